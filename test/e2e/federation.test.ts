import { demoOrders, demoOrdersOfUser, demoUsers } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 60, orders: 600 };
const users = demoUsers(seed.users);
const orders = demoOrders(users, seed.orders);
const heaviest = users[0]!;
const heaviestOrders = demoOrdersOfUser(orders, heaviest._id);
const unknownId = 'aaaaaaaaaaaaaaaaaaaaaaaa';

interface QueryPlanNode {
  kind: string;
  serviceName?: string;
  nodes?: QueryPlanNode[];
  node?: QueryPlanNode;
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ seed });
});
afterAll(() => stack.stop());

describe('a user and their orders', () => {
  const query = `query UserWithOrders($id: ID!) { user(id: $id) { id name email orders(first: 3) { nodes { id total currency status items { sku quantity unitPrice subtotal } } totalCount pageInfo { hasNextPage endCursor } } } }`;

  it('answers from both subgraphs with the data in the database', async () => {
    const { status, body } = await postGraphQL(stack.routerUrl, query, { id: heaviest._id.toHexString() });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      user: {
        id: heaviest._id.toHexString(),
        name: heaviest.name,
        email: heaviest.email,
        orders: {
          nodes: heaviestOrders.slice(0, 3).map((order) => ({
            id: order._id.toHexString(),
            total: order.total,
            currency: 'USD',
            status: order.status,
            items: order.items.map((item) => ({ sku: item.sku, quantity: item.quantity, unitPrice: item.unitPrice, subtotal: item.quantity * item.unitPrice })),
          })),
          totalCount: heaviestOrders.length,
          pageInfo: { hasNextPage: true, endCursor: expect.any(String) },
        },
      },
    });
  });

  it('is planned as a Parallel of one users fetch and one orders fetch', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "${heaviest._id.toHexString()}") { name orders { nodes { id total } } } }`, {}, {
      'Apollo-Query-Plan-Experimental': '1',
      'Apollo-Query-Plan-Experimental-Format': 'internal',
    });
    const plan = (body.extensions?.__queryPlanExperimental as { node: QueryPlanNode }).node;
    expect(plan.kind).toBe('Parallel');
    expect(plan.nodes?.map((node) => [node.kind, node.serviceName]).sort()).toEqual([
      ['Fetch', 'orders'],
      ['Fetch', 'users'],
    ]);
  });

  it('shows the plan as text to anyone who asks with the header, outside production', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "${unknownId}") { name } }`, {}, { 'Apollo-Query-Plan-Experimental': '1' });
    expect(body.extensions?.__queryPlanExperimental).toContain('Fetch(service: "users")');
  });

  it('pages through every order of a user with cursors, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const result: Awaited<ReturnType<typeof postGraphQL>> = await postGraphQL(
        stack.routerUrl,
        `query($id: ID!, $after: String) { user(id: $id) { orders(first: 25, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } } }`,
        { id: heaviest._id.toHexString(), after },
      );
      const connection = (result.body.data as { user: { orders: { nodes: Array<{ id: string }>; pageInfo: { hasNextPage: boolean; endCursor: string } } } }).user.orders;
      seen.push(...connection.nodes.map((node) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(heaviestOrders.map((order) => order._id.toHexString()));
  });

  it('filters a user\'s orders by status', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `query($id: ID!) { user(id: $id) { orders(first: 100, status: SHIPPED) { nodes { status } totalCount } } }`, { id: heaviest._id.toHexString() });
    const shipped = heaviestOrders.filter((order) => order.status === 'SHIPPED');
    const connection = (body.data as { user: { orders: { nodes: Array<{ status: string }>; totalCount: number } } }).user.orders;
    expect(connection.totalCount).toBe(shipped.length);
    expect(connection.nodes).toEqual(shipped.map(() => ({ status: 'SHIPPED' })));
  });
});

describe('ids that do not name a user', () => {
  it('answers user: null with no error for a well-formed id nobody has', async () => {
    const { status, body } = await postGraphQL(stack.routerUrl, `{ user(id: "${unknownId}") { name orders { nodes { id } } } }`);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { user: null } });
  });

  it('answers an empty list of orders, without asking the users subgraph, when only orders are selected', async () => {
    // Documented in docs/federation.md: the orders subgraph does not own users and does not check them.
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "${unknownId}") { id orders { nodes { id } totalCount } } }`);
    expect(body).toEqual({ data: { user: { id: unknownId, orders: { nodes: [], totalCount: 0 } } } });
  });

  it('answers BAD_USER_INPUT naming the argument for a malformed id', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "not-an-id") { name orders { nodes { id } } } }`);
    expect(body.data).toEqual({ user: null });
    expect(body.errors?.map((error) => error.extensions?.code)).toContain('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.field).toBe('id');
  });

  it('answers BAD_USER_INPUT for a cursor it did not make', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "${heaviest._id.toHexString()}") { orders(after: "bm9wZQ") { nodes { id } } } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('answers BAD_USER_INPUT for a page size over the maximum, at the router, naming the field', async () => {
    const { status, body } = await postGraphQL(stack.routerUrl, `{ users(first: 1000) { nodes { id } } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'users.first' });
  });
});

describe('an order and its user', () => {
  it('joins the other way: the order from orders, its user from users', async () => {
    const order = heaviestOrders[0]!;
    const { body } = await postGraphQL(stack.routerUrl, `query($id: ID!) { order(id: $id) { id total user { id name email } } }`, { id: order._id.toHexString() });
    expect(body).toEqual({ data: { order: { id: order._id.toHexString(), total: order.total, user: { id: heaviest._id.toHexString(), name: heaviest.name, email: heaviest.email } } } });
  });

  it('answers order: null for an id nobody has', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ order(id: "${unknownId}") { id } }`);
    expect(body).toEqual({ data: { order: null } });
  });
});

describe('users', () => {
  it('pages through every user in creation order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const result: Awaited<ReturnType<typeof postGraphQL>> = await postGraphQL(
        stack.routerUrl,
        `query($after: String) { users(first: 25, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`,
        { after },
      );
      const connection = (result.body.data as { users: { edges: Array<{ cursor: string; node: { id: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string }; totalCount: number } }).users;
      expect(connection.totalCount).toBe(seed.users);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor);
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(users.map((user) => user._id.toHexString()));
  });
});
