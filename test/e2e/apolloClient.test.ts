import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache, type ErrorPolicy, type TypedDocumentNode } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { addPlacedOrder, createFedstackCache } from '../../docs/examples/apolloCache';
import { demoOrders, demoOrdersOfUser, demoUsers, repoRoot } from '@fedstack/devkit';
import { anonymousHeaders, asUser } from '../support/auth';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/waitFor';

/**
 * The client-team contract: a real Apollo Client 4 against the real router, doing what docs/clients.md
 * tells a client team to do. The cache code it uses is docs/examples/apolloCache.ts, the file the docs
 * show, so the docs cannot drift from what is tested here.
 */
const seed = { users: 25, orders: 150 };
const users = demoUsers(seed.users);
const firstUser = users[0]!;
const firstUserId = firstUser._id.toHexString();
/** The first user's orders as the API lists them: newest first. */
const firstUserOrders = demoOrdersOfUser(demoOrders(users, seed.orders), firstUser._id);
const ids = (list: ReadonlyArray<{ _id: { toHexString(): string } }>) => list.map((item) => item._id.toHexString());

let stack: Stack;
/** Requests each client sent to the router, by operation name: tells a cache hit from a fetch. */
let sent: string[] = [];

beforeAll(async () => {
  stack = await startStack({ seed });
});
afterAll(() => stack?.stop());
beforeEach(() => {
  sent = [];
});

/** A client as a team would make one: the router's URL, a token (or none), and a cache. */
function createClient(headers: Record<string, string>, cache: InMemoryCache = createFedstackCache()): ApolloClient {
  const recordingFetch: typeof fetch = (input, init) => {
    sent.push((JSON.parse(String(init?.body)) as { operationName: string }).operationName);
    return fetch(input, init);
  };
  return new ApolloClient({
    link: new HttpLink({ uri: stack.routerUrl, headers, fetch: recordingFetch }),
    cache,
    clientAwareness: { name: 'contract-test', version: '1.0.0' },
  });
}

interface Page<TItem> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes?: TItem[];
  edges?: Array<{ cursor: string; node: TItem }>;
}
type UsersPage = { users: Page<{ id: string; name: string }> };

const UsersByNodes: TypedDocumentNode<UsersPage, { first: number; after?: string | null }> = gql`
  query UsersByNodes($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name }
    }
  }
`;
const UsersByEdges: TypedDocumentNode<UsersPage, { first: number; after?: string | null }> = gql`
  query UsersByEdges($first: Int!, $after: String) {
    users(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id name } }
    }
  }
`;

/** Loads page 1, then `fetchMore`s page 2, and answers what the cache then holds for the query. */
async function twoPages(client: ApolloClient, query: typeof UsersByNodes): Promise<UsersPage> {
  const observable = client.watchQuery({ query, variables: { first: 10 } });
  const subscription = observable.subscribe(() => undefined);
  try {
    const first = await observable.refetch();
    await observable.fetchMore({ variables: { after: first.data!.users.pageInfo.endCursor } });
    return client.readQuery({ query, variables: { first: 10 } })!;
  } finally {
    subscription.unsubscribe();
  }
}

describe('Apollo Client 4 against the router', () => {
  describe('pagination with fetchMore', () => {
    it('appends page 2 to page 1 when the query selects nodes, with the typePolicies docs/clients.md shows', async () => {
      const { users: page } = await twoPages(createClient(anonymousHeaders), UsersByNodes);
      expect(page.nodes?.map((user) => user.id)).toEqual(ids(users.slice(0, 20)));
      expect(page.totalCount).toBe(seed.users);
      expect(page.pageInfo.hasNextPage).toBe(true);
    });

    it('appends page 2 to page 1 when the query selects edges { cursor node }, with the same typePolicies', async () => {
      const { users: page } = await twoPages(createClient(anonymousHeaders), UsersByEdges);
      expect(page.edges?.map((edge) => edge.node.id)).toEqual(ids(users.slice(0, 20)));
      expect(page.edges?.every((edge) => edge.cursor.length > 0)).toBe(true);
    });

    it("replaces page 1 with page 2 under relayStylePagination() when the query selects nodes: why the docs don't use it", async () => {
      const cache = new InMemoryCache({ typePolicies: { Query: { fields: { users: relayStylePagination() } } } });
      const { users: page } = await twoPages(createClient(anonymousHeaders, cache), UsersByNodes);
      expect(page.nodes?.map((user) => user.id)).toEqual(ids(users.slice(10, 20)));
    });
  });

  describe('partial data', () => {
    type UserWithPrivateFields = { user: { id: string; name: string; email: string | null; orders: { totalCount: number } | null } | null };
    const UserWithPrivateFields: TypedDocumentNode<UserWithPrivateFields, { id: string }> = gql`
      query UserWithPrivateFields($id: ID!) {
        user(id: $id) { id name email orders(first: 1) { totalCount } }
      }
    `;
    const ask = (errorPolicy: ErrorPolicy) => createClient(anonymousHeaders).query({ query: UserWithPrivateFields, variables: { id: firstUserId }, errorPolicy });

    it("keeps the fields it may see, with each denied field's code, under errorPolicy: 'all'", async () => {
      const { data, error } = await ask('all');
      expect(data).toEqual({ user: { __typename: 'User', id: firstUserId, name: firstUser.name, email: null, orders: null } });
      expect(CombinedGraphQLErrors.is(error)).toBe(true);
      const errors = CombinedGraphQLErrors.is(error) ? error.errors : [];
      expect(errors.map((entry) => [entry.path?.join('.'), entry.extensions?.code]).sort()).toEqual([
        ['user.email', 'UNAUTHENTICATED'],
        ['user.orders', 'UNAUTHENTICATED'],
      ]);
    });

    it('drops the whole answer for one denied field under the default errorPolicy', async () => {
      const outcome = await ask('none').then(
        (result) => ({ data: result.data, error: result.error }),
        (error: unknown) => ({ data: undefined, error }),
      );
      expect(outcome.data).toBeUndefined();
      expect(CombinedGraphQLErrors.is(outcome.error)).toBe(true);
    });
  });

  describe('placeOrder and the cache', () => {
    type OrderFields = { id: string; total: number; status: string };
    type UserOrders = { user: { id: string; orders: Page<OrderFields> | null } | null };
    const UserOrdersByNodes: TypedDocumentNode<UserOrders, { id: string }> = gql`
      query UserOrdersByNodes($id: ID!) {
        user(id: $id) { id orders(first: 5) { totalCount pageInfo { hasNextPage endCursor } nodes { id total status } } }
      }
    `;
    const UserOrdersByEdges: TypedDocumentNode<UserOrders, { id: string }> = gql`
      query UserOrdersByEdges($id: ID!) {
        user(id: $id) { id orders(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id total status } } } }
      }
    `;
    const PlaceOrder: TypedDocumentNode<{ placeOrder: OrderFields | null }, { input: unknown }> = gql`
      mutation PlaceOrder($input: PlaceOrderInput!) {
        placeOrder(input: $input) { id total status }
      }
    `;
    const input = (sku: string) => ({ userId: firstUserId, items: [{ sku, name: 'Coffee mug', quantity: 2, unitPrice: 1250 }] });

    it('lists the new order first and counts it, from the cache, after the update docs/clients.md shows', async () => {
      const client = createClient(await asUser(firstUserId));
      const before = await client.query({ query: UserOrdersByNodes, variables: { id: firstUserId } });
      const countBefore = before.data!.user!.orders!.totalCount;
      expect(countBefore).toBe(firstUserOrders.length);

      const { data } = await client.mutate({
        mutation: PlaceOrder,
        variables: { input: input('MUG-CACHE-1') },
        update: (cache, { data: placed }) => {
          if (placed?.placeOrder) addPlacedOrder(cache, firstUserId, placed.placeOrder.id);
        },
      });
      const placed = data!.placeOrder!;
      sent = [];
      const after = await client.query({ query: UserOrdersByNodes, variables: { id: firstUserId }, fetchPolicy: 'cache-only' });
      expect(after.data!.user!.orders!.nodes!.map((order) => order.id)).toEqual([placed.id, ...ids(firstUserOrders.slice(0, 5))]);
      expect(after.data!.user!.orders!.totalCount).toBe(countBefore + 1);
      expect(sent).toEqual([]);

      // And the server agrees with what the cache now shows.
      const fresh = await client.query({ query: UserOrdersByNodes, variables: { id: firstUserId }, fetchPolicy: 'network-only' });
      expect(fresh.data!.user!.orders!.nodes![0]!.id).toBe(placed.id);
      expect(fresh.data!.user!.orders!.totalCount).toBe(countBefore + 1);
    });

    it('fetches a list read as edges again, with the new order first, after the same update', async () => {
      const client = createClient(await asUser(firstUserId));
      const observable = client.watchQuery({ query: UserOrdersByEdges, variables: { id: firstUserId } });
      const seen: UserOrders[] = [];
      const subscription = observable.subscribe((result) => {
        if (result.data && result.dataState === 'complete') seen.push(result.data as UserOrders);
      });
      try {
        const first = await observable.refetch();
        const countBefore = first.data!.user!.orders!.totalCount;
        const { data } = await client.mutate({
          mutation: PlaceOrder,
          variables: { input: input('MUG-CACHE-2') },
          update: (cache, { data: placed }) => {
            if (placed?.placeOrder) addPlacedOrder(cache, firstUserId, placed.placeOrder.id);
          },
        });
        const placedId = data!.placeOrder!.id;
        // The refetch the dropped list causes: waited for by a bounded poll.
        const latest = await waitFor('saw the placed order first in the watched list', () => {
          const orders = seen.at(-1)?.user?.orders;
          return orders?.edges?.[0]?.node.id === placedId ? orders : undefined;
        });
        expect(latest.edges![0]!.node.id).toBe(placedId);
        expect(latest.totalCount).toBe(countBefore + 1);
        expect(sent.filter((name) => name === 'UserOrdersByEdges').length).toBeGreaterThanOrEqual(2);
      } finally {
        subscription.unsubscribe();
      }
    });
  });

  it('is the code docs/clients.md shows, word for word', () => {
    const docs = readFileSync(resolve(repoRoot, 'docs/clients.md'), 'utf8');
    const shown = /<!-- docs\/examples\/apolloCache\.ts -->\n```ts\n([^]*?)^```$/m.exec(docs)?.[1];
    expect(shown).toBe(readFileSync(resolve(repoRoot, 'docs/examples/apolloCache.ts'), 'utf8'));
  });
});

describe('Cache-Control, as docs/clients.md states it', () => {
  const cacheControl = async (query: string, headers: Record<string, string>) => {
    const response = await fetch(stack.routerUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
    await response.json();
    return response.headers.get('cache-control');
  };

  it('is max-age=30, public for public fields, and max-age=30, private with the caller\'s e-mail', async () => {
    expect(await cacheControl(`{ user(id: "${firstUserId}") { id name createdAt } }`, anonymousHeaders)).toBe('max-age=30, public');
    expect(await cacheControl(`{ user(id: "${firstUserId}") { name email } }`, await asUser(firstUserId))).toBe('max-age=30, private');
  });

  it('is no-store for anything with orders, which the caller\'s own writes change', async () => {
    const owner = await asUser(firstUserId);
    expect(await cacheControl(`{ user(id: "${firstUserId}") { name orders(first: 1) { totalCount } } }`, owner)).toBe('no-store');
    expect(await cacheControl(`{ order(id: "${ids(firstUserOrders)[0]}") { id total } }`, owner)).toBe('no-store');
  });
});
