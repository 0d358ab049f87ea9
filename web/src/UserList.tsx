import { graphql } from './__generated__';
import { usersPerPage } from './config';
import { ErrorNotice } from './ErrorNotice';
import { formatDate } from './format';
import { usePager, useQuery } from './useQuery';

/**
 * One page of users. Only fields anyone may see: a user's e-mail and orders are for that user and
 * admins, and asking for them here would be one `FORBIDDEN` per user for everyone else.
 */
const UsersPageQuery = graphql(`
  query UsersPage($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        name
        createdAt
      }
    }
  }
`);

/** The users, a page at a time, each a link to their page. */
export function UserList({ selectedUserId }: { selectedUserId: string | undefined }) {
  const pager = usePager();
  const { data, error, loading } = useQuery(UsersPageQuery, { first: usersPerPage, after: pager.after });
  const users = data?.users;
  const pages = users ? Math.max(1, Math.ceil(users.totalCount / usersPerPage)) : undefined;

  return (
    <section className="panel users" aria-labelledby="users-heading" aria-busy={loading}>
      <h2 id="users-heading">Users</h2>
      {error ? <ErrorNotice error={error} title="The users could not be loaded." /> : null}
      {users ? (
        <>
          <p className="muted">
            {users.totalCount.toLocaleString()} users · page {pager.page} of {pages}
          </p>
          <ul className="user-list">
            {users.nodes.map((user) => (
              <li key={user.id}>
                <a href={`#/users/${user.id}`} aria-current={user.id === selectedUserId ? 'page' : undefined}>
                  <span className="user-name">{user.name}</span>
                  <span className="muted">joined {formatDate(user.createdAt)}</span>
                </a>
              </li>
            ))}
          </ul>
          <nav className="pager" aria-label="Users pages">
            <button type="button" onClick={pager.previous} disabled={loading || pager.page === 1}>
              Previous
            </button>
            <button
              type="button"
              onClick={() => users.pageInfo.endCursor && pager.next(users.pageInfo.endCursor)}
              disabled={loading || !users.pageInfo.hasNextPage || !users.pageInfo.endCursor}
            >
              Next
            </button>
          </nav>
        </>
      ) : loading ? (
        <p className="muted">Loading users…</p>
      ) : null}
    </section>
  );
}
