import { InMemoryCache, isReference, type ApolloCache, type FieldPolicy, type Reference } from '@apollo/client';

/** A page of a connection as the cache holds it: `edges`, `nodes` or both, whichever the queries select. */
interface CachedConnection {
  edges?: readonly unknown[];
  nodes?: readonly unknown[];
  totalCount?: number;
  [field: string]: unknown;
}

/**
 * Forward pagination for the graph's connections (`first`/`after`), for queries that select `nodes`,
 * `edges { cursor node }`, or both. Apollo's `relayStylePagination()` merges `edges` only: with `nodes`,
 * `fetchMore` replaces page 1 with page 2.
 *
 * A page without `after` (the first, or a refetch of it) replaces the list; a page with `after` is
 * appended to it. `pageInfo` and `totalCount` are the newest page's. `keyArgs` are the arguments that
 * make another list (`status` for `User.orders`), cached apart.
 */
export function connectionPagination(keyArgs: string[] | false = false): FieldPolicy<CachedConnection> {
  return {
    keyArgs,
    merge(existing, incoming, { args }) {
      if (!existing || typeof args?.after !== 'string') return incoming;
      const merged: CachedConnection = { ...incoming };
      // Only the shapes the incoming page has: one a query did not select would be half a list.
      if (incoming.edges) merged.edges = [...(existing.edges ?? []), ...incoming.edges];
      if (incoming.nodes) merged.nodes = [...(existing.nodes ?? []), ...incoming.nodes];
      return merged;
    },
  };
}

/** The cache for the fedstack graph: users by id, orders by id, and both connections paginated. */
export function createFedstackCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: { fields: { users: connectionPagination() } },
      User: { fields: { orders: connectionPagination(['status']) } },
    },
  });
}

/**
 * Puts a just-placed order into the cached lists of its user's orders, as `placeOrder`'s `update`:
 *
 * ```ts
 * await client.mutate({
 *   mutation: PlaceOrder,
 *   variables: { input },
 *   update: (cache, { data }) => data?.placeOrder && addPlacedOrder(cache, input.userId, data.placeOrder.id),
 * });
 * ```
 *
 * A new order is the newest and `PENDING`: it goes first in the unfiltered list and in the `PENDING`
 * one, and their `totalCount` grows by one; lists of other statuses are left alone. A list read as
 * `edges` is dropped instead (an edge needs a cursor, which only the server makes), so the queries
 * showing it fetch it again. Answering the same order twice (an idempotent retry) adds it once.
 */
export function addPlacedOrder(cache: ApolloCache, userId: string, orderId: string): void {
  cache.modify<{ orders: CachedConnection }>({
    id: cache.identify({ __typename: 'User', id: userId }),
    fields: {
      orders(existing, { storeFieldName, readField, toReference, DELETE }) {
        const status = /"status":"(\w+)"/.exec(storeFieldName)?.[1];
        if (status !== undefined && status !== 'PENDING') return existing;
        // A connection has no id of its own, so the cache keeps it inside the user, never as a reference.
        if (isReference(existing)) return existing;
        const order = toReference({ __typename: 'Order', id: orderId });
        if (!order || existing.nodes?.some((node) => readField('id', node as Reference) === orderId)) return existing;
        if (existing.edges) return DELETE;
        return {
          ...existing,
          ...(existing.totalCount === undefined ? {} : { totalCount: existing.totalCount + 1 }),
          ...(existing.nodes ? { nodes: [order, ...existing.nodes] } : {}),
        };
      },
    },
  });
}
