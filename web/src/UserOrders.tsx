import { graphql } from './__generated__';
import { ordersPerPage } from './config';
import { ErrorNotice } from './ErrorNotice';
import { formatDate } from './format';
import { OrderTable } from './OrderTable';
import { PlaceOrderForm } from './PlaceOrderForm';
import { readClaims, useToken } from './session';
import { usePager, useQuery } from './useQuery';

/**
 * A user and a page of their orders. The router plans it as two fetches at once (users for the name,
 * orders for the orders: docs/federation.md); selecting `name` also tells an unknown id from a user
 * without orders, since the users subgraph then answers `user: null`. `email` and `orders` are for the
 * user and admins: for anyone else they are null, with a `FORBIDDEN` or `UNAUTHENTICATED` error each.
 */
const UserOrdersQuery = graphql(`
  query UserOrders($id: ID!, $first: Int!, $after: String) {
    user(id: $id) {
      id
      name
      email
      createdAt
      orders(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          ...OrderSummary
        }
      }
    }
  }
`);

/**
 * A user's page: who they are, their orders a page at a time, and a form to place one more. Mount it
 * with `key={userId}`, so that another user starts on their first page.
 */
export function UserOrders({ userId }: { userId: string }) {
  const pager = usePager();
  const token = useToken();
  const claims = token ? readClaims(token) : undefined;
  // Only the user and admins may order for them (the API decides; the claims are read, not verified):
  // the form is not offered to anyone else, who could only be refused.
  const mayOrder = claims?.sub === userId || claims?.roles?.includes('admin') === true;
  const { data, error, loading, refetch } = useQuery(UserOrdersQuery, { id: userId, first: ordersPerPage, after: pager.after });
  const user = data?.user;

  const onPlaced = () => {
    // The new order is the newest, so it is first on the first page: show that page, fresh from the API.
    pager.first();
    refetch();
  };

  if (!user) {
    return (
      <section className="panel" aria-labelledby="user-heading" aria-busy={loading}>
        <h2 id="user-heading">User</h2>
        {error ? (
          <ErrorNotice error={error} title="This user could not be loaded." />
        ) : (
          <p className="muted">{loading || !data ? 'Loading…' : `There is no user with the id ${userId}.`}</p>
        )}
      </section>
    );
  }

  const { orders } = user;
  return (
    <section className="panel" aria-labelledby="user-heading" aria-busy={loading}>
      <h2 id="user-heading">{user.name}</h2>
      <p className="muted">
        {user.email ?? 'e-mail hidden'} · joined {formatDate(user.createdAt)}
      </p>
      {error ? <ErrorNotice error={error} title={orders ? 'Part of this page could not be loaded.' : 'The orders could not be loaded.'} /> : null}

      {orders ? <h3>Orders</h3> : null}
      {!orders ? null : orders.totalCount === 0 ? (
        <p className="muted">No orders yet.</p>
      ) : (
        <>
          <OrderTable
            orders={orders.nodes}
            caption={`${orders.totalCount} ${orders.totalCount === 1 ? 'order' : 'orders'}, newest first · page ${pager.page} of ${Math.ceil(orders.totalCount / ordersPerPage)}`}
          />
          <nav className="pager" aria-label="Orders pages">
            <button type="button" onClick={pager.previous} disabled={loading || pager.page === 1}>
              Previous
            </button>
            <button
              type="button"
              onClick={() => orders.pageInfo.endCursor && pager.next(orders.pageInfo.endCursor)}
              disabled={loading || !orders.pageInfo.hasNextPage || !orders.pageInfo.endCursor}
            >
              Next
            </button>
          </nav>
        </>
      )}

      {mayOrder ? (
        <PlaceOrderForm userId={user.id} onPlaced={onPlaced} />
      ) : (
        <p className="muted sign-in-to-order">{token ? 'Only this user and admins can place an order for them.' : 'Sign in as this user to place an order for them.'}</p>
      )}
    </section>
  );
}
