import { readFileSync } from 'node:fs';
import { webManifestPath } from '@fedstack/router';
import { demoOrders, demoUsers, type SeedOptions } from '@fedstack/devkit';

/**
 * What the benchmark sends. Every scenario is an operation with variables, as a client sends it, so a
 * document cache sees one document per scenario; what changes per request, if anything, is in the
 * variables. The ids come from the seed generator, so the bench and the load generator (another
 * process) derive the same ones from the same data-set size.
 */

/** The names of the scenarios, in the order they run (the write last: it adds orders, cleaned up after). */
export const scenarioNames = ['userWithOrders', 'usersWithOrders', 'orderWithUser', 'distinctMix', 'publicUsers', 'webOrdersText', 'webOrdersById', 'webUsersGet', 'placeOrder'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

/** One scenario. */
export interface Scenario {
  name: ScenarioName;
  /** What it is, for the table. */
  title: string;
  /** A write: never deduplicated or cached, and its effect is removed after the run. */
  mutation: boolean;
  /** Whether every request is the same (so deduplication and caches may serve it). */
  repeated: boolean;
  /** The JSON body of the `i`-th request (a POST), or its search string (a GET, see `method`). */
  body(i: number): string;
  /** `GET` sends `body(i)` as the URL's search string, with no body. Defaults to `POST`. */
  method?: 'GET' | 'POST';
  /**
   * Only our router runs it: the trusted-documents scenarios send ids from the web app's manifest,
   * which no other target knows.
   */
  ourRouterOnly?: boolean;
  /** Throws a sentence when `response` (a parsed body) is not the answer this scenario expects. */
  check(response: unknown): void;
}

/** The ids a data set holds, as the bench uses them. */
export interface BenchData {
  /** Every user's id, in seed order (user 0 has the most orders; the last tenth have none). */
  userIds: string[];
  /** Every order's id, in seed order. */
  orderIds: string[];
  /** A user with no seeded orders, for whom `placeOrder` orders (removed after each run). */
  writerId: string;
}

/** The ids of the data set the seed generator makes for `seed`. */
export function benchData(seed: SeedOptions): BenchData {
  const users = demoUsers(seed.users);
  const userIds = users.map((user) => user._id.toHexString());
  return { userIds, orderIds: demoOrders(users, seed.orders).map((order) => order._id.toHexString()), writerId: userIds[userIds.length - 1]! };
}

const userWithOrdersQuery = `query UserWithOrders($id: ID!) {
  user(id: $id) { id name email orders(first: 10) { nodes { id total currency status createdAt items { sku quantity unitPrice } } } }
}`;
const usersWithOrdersQuery = `query UsersWithOrders {
  users(first: 50) { nodes { id name orders(first: 10) { nodes { id total status createdAt } } } }
}`;
const orderWithUserQuery = `query OrderWithUser($id: ID!) {
  order(id: $id) { id total status createdAt user { id name email } }
}`;
// Public fields only: the users subgraph marks them cacheable for 30 s (schema/users.graphql).
const publicUsersQuery = `query PublicUsers($first: Int!) {
  users(first: $first) { nodes { id name createdAt } pageInfo { hasNextPage endCursor } }
}`;
const placeOrderMutation = `mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id total status }
}`;

const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

/** The web app's operations as its manifest holds them (what its production build sends ids of). */
function webOperation(name: string): { id: string; text: string } {
  const manifest = JSON.parse(readFileSync(webManifestPath, 'utf8')) as Record<string, string>;
  const found = Object.entries(manifest).find(([, text]) => new RegExp(`(query|mutation) ${name}\\b`).test(text));
  if (!found) throw new Error(`the web app's manifest has no operation ${name}`);
  return { id: found[0], text: found[1] };
}

/** The `path` and search of a GET request, for a scenario whose `method` is GET. */
export function requestPath(url: string, scenario: Scenario, i: number): string {
  return scenario.method === 'GET' ? `${new URL(url).pathname}?${scenario.body(i)}` : new URL(url).pathname;
}

/** The data of a response, or a thrown sentence naming what is wrong with it. */
function dataOf(response: unknown): Record<string, unknown> {
  const { data, errors } = (response ?? {}) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string }> };
  if (errors?.length) throw new Error(`the answer has errors: ${errors.map((error) => error.message).join('; ')}`);
  if (!data) throw new Error(`the answer has no data: ${JSON.stringify(response).slice(0, 300)}`);
  return data;
}

function expectUserWithOrders(user: unknown): void {
  const { name, email, orders } = (user ?? {}) as { name?: string; email?: string | null; orders?: { nodes?: unknown[] } | null };
  if (!name || !email || !Array.isArray(orders?.nodes)) throw new Error(`expected a user with name, email and orders, but got: ${JSON.stringify(user).slice(0, 300)}`);
}

function expectOrderWithUser(order: unknown): void {
  const { total, user } = (order ?? {}) as { total?: number; user?: { name?: string; email?: string | null } };
  if (typeof total !== 'number' || !user?.name || !user.email) throw new Error(`expected an order with its user's name and email, but got: ${JSON.stringify(order).slice(0, 300)}`);
}

/** The scenarios over a data set. */
export function createScenarios(data: BenchData): Record<ScenarioName, Scenario> {
  // A user with a few orders (user 0 has hundreds): the same one every request.
  const oneUser = data.userIds[Math.min(3, data.userIds.length - 1)]!;
  const oneOrder = data.orderIds[0]!;
  const orderInput = { userId: data.writerId, items: [{ sku: 'MUG-040', name: 'Coffee mug', quantity: 1, unitPrice: 1250 }] };
  // Users that have orders (the seed leaves the last tenth without): the mix cycles through them.
  const buyers = data.userIds.slice(0, Math.max(1, Math.floor(data.userIds.length * 0.9)));
  const webOrders = webOperation('UserOrders');
  const webUsers = webOperation('UsersPage');
  return {
    userWithOrders: {
      name: 'userWithOrders',
      title: 'one user with their orders (the same user every request)',
      mutation: false,
      repeated: true,
      body: () => body(userWithOrdersQuery, { id: oneUser }),
      check: (response) => {
        const { user } = dataOf(response);
        expectUserWithOrders(user);
        if ((user as { orders: { nodes: unknown[] } }).orders.nodes.length === 0) throw new Error('expected the user to have orders');
      },
    },
    usersWithOrders: {
      name: 'usersWithOrders',
      title: '50 users, each with their first 10 orders (batching)',
      mutation: false,
      repeated: true,
      body: () => body(usersWithOrdersQuery),
      check: (response) => {
        const nodes = (dataOf(response).users as { nodes?: Array<{ orders?: { nodes?: unknown[] } | null }> } | undefined)?.nodes;
        if (!nodes || nodes.length !== Math.min(50, data.userIds.length)) throw new Error(`expected ${Math.min(50, data.userIds.length)} users, but got: ${nodes?.length}`);
        if (!nodes.every((node) => Array.isArray(node.orders?.nodes))) throw new Error('expected every user to have an orders connection');
      },
    },
    orderWithUser: {
      name: 'orderWithUser',
      title: 'one order with its user (the entity join the other way)',
      mutation: false,
      repeated: true,
      body: () => body(orderWithUserQuery, { id: oneOrder }),
      check: (response) => expectOrderWithUser(dataOf(response).order),
    },
    distinctMix: {
      name: 'distinctMix',
      title: 'a user with orders, then an order with its user, with another id every request',
      mutation: false,
      repeated: false,
      body: (i) => {
        const k = Math.floor(i / 2);
        return i % 2 === 0
          ? body(userWithOrdersQuery, { id: buyers[k % buyers.length] })
          : body(orderWithUserQuery, { id: data.orderIds[(k * 7919) % data.orderIds.length] });
      },
      check: (response) => {
        const answer = dataOf(response);
        if ('user' in answer) expectUserWithOrders(answer.user);
        else expectOrderWithUser(answer.order);
      },
    },
    publicUsers: {
      name: 'publicUsers',
      title: 'a page of 20 users, public fields only (cacheable by its hints)',
      mutation: false,
      repeated: true,
      body: () => body(publicUsersQuery, { first: 20 }),
      check: (response) => {
        const nodes = (dataOf(response).users as { nodes?: Array<{ name?: string }> } | undefined)?.nodes;
        const expected = Math.min(20, data.userIds.length);
        if (nodes?.length !== expected || !nodes.every((node) => node.name)) throw new Error(`expected ${expected} users with names, but got: ${JSON.stringify(nodes).slice(0, 300)}`);
      },
    },
    // The web app's heaviest page (a user with a page of orders: private, so never cached), sent as its
    // development build sends it and as its production build does: what an id saves the router.
    webOrdersText: {
      name: 'webOrdersText',
      title: "the web app's UserOrders by its full text (POST), as its development build sends it",
      mutation: false,
      repeated: true,
      ourRouterOnly: true,
      body: () => body(webOrders.text, { id: oneUser, first: 10 }),
      check: (response) => expectUserWithOrders(dataOf(response).user),
    },
    webOrdersById: {
      name: 'webOrdersById',
      title: "the web app's UserOrders by its manifest id (POST `documentId`)",
      mutation: false,
      repeated: true,
      ourRouterOnly: true,
      body: () => JSON.stringify({ documentId: webOrders.id, variables: { id: oneUser, first: 10 } }),
      check: (response) => expectUserWithOrders(dataOf(response).user),
    },
    webUsersGet: {
      name: 'webUsersGet',
      title: "the web app's UsersPage by id as a GET (public: answered from the response cache)",
      mutation: false,
      repeated: true,
      ourRouterOnly: true,
      method: 'GET',
      body: () => new URLSearchParams({ documentId: webUsers.id, variables: JSON.stringify({ first: 10 }) }).toString(),
      check: (response) => {
        const nodes = (dataOf(response).users as { nodes?: unknown[] } | undefined)?.nodes;
        if (nodes?.length !== Math.min(10, data.userIds.length)) throw new Error(`expected a page of users, but got: ${JSON.stringify(nodes).slice(0, 300)}`);
      },
    },
    placeOrder: {
      name: 'placeOrder',
      title: 'placeOrder (a write)',
      mutation: true,
      repeated: false,
      body: () => body(placeOrderMutation, { input: orderInput }),
      check: (response) => {
        const order = dataOf(response).placeOrder as { status?: string } | null;
        if (order?.status !== 'PENDING') throw new Error(`expected a PENDING order, but got: ${JSON.stringify(order)}`);
      },
    },
  };
}
