import { useEffect, useState } from 'react';
import { AccessToken } from './AccessToken';
import { routerUrl } from './config';
import { UserList } from './UserList';
import { UserOrders } from './UserOrders';

/** The user a `#/users/<id>` location names, if any: the selection lives in the URL, so it can be linked and reloaded. */
function userIdFromHash(hash: string): string | undefined {
  const match = /^#\/users\/([^/?#]+)$/.exec(hash);
  return match ? decodeURIComponent(match[1]!) : undefined;
}

/** Follows the location's hash. */
function useSelectedUserId(): string | undefined {
  const [userId, setUserId] = useState(() => userIdFromHash(window.location.hash));
  useEffect(() => {
    const onHashChange = () => setUserId(userIdFromHash(window.location.hash));
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  return userId;
}

/** The whole app: users on one side, the chosen user's orders on the other. */
export function App() {
  const userId = useSelectedUserId();
  return (
    <>
      <header className="app-header">
        <div>
          <h1>Users and orders</h1>
          <p className="muted">
            A fedstack client: typed GraphQL documents from <code>schema/api.graphql</code>, sent to <code>{routerUrl}</code>.
          </p>
        </div>
        <AccessToken />
      </header>
      <main className="layout">
        <UserList selectedUserId={userId} />
        {userId ? (
          <UserOrders key={userId} userId={userId} />
        ) : (
          <section className="panel" aria-labelledby="user-heading">
            <h2 id="user-heading">Orders</h2>
            <p className="muted">Choose a user to see their orders and place one.</p>
          </section>
        )}
      </main>
    </>
  );
}
