import { asAdmin } from '../support/auth';
import { demoOrders, demoUsers } from '@fedstack/devkit';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

let stack: Stack;
beforeAll(async () => {
  // Commands per request: the response cache (test/e2e/responseCache.test.ts) would answer repeats without any.
  stack = await startStack({ seed: { users: 120, orders: 1200 }, env: { RESPONSE_CACHE: 'false' } });
});
afterAll(() => stack.stop());

/** Runs a query through the router and returns what each subgraph sent its database meanwhile. */
async function commandsFor(query: string, variables: Record<string, unknown>) {
  stack.usersCommands.clear();
  stack.ordersCommands.clear();
  const { body } = await postGraphQL(stack.routerUrl, query, variables);
  expect(body.errors).toBeUndefined();
  return {
    body,
    users: stack.usersCommands.commands.map((c) => `${c.command} ${c.collection}`).sort(),
    orders: stack.ordersCommands.commands.map((c) => `${c.command} ${c.collection}`).sort(),
  };
}

describe.each([10, 100])('%i users with their orders', (count) => {
  it('cost one find on users and one aggregation on orders, which keeps each user\'s page', async () => {
    const { body, users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { nodes { id name orders(first: 5) { nodes { id total } } } } }`,
      { n: count },
    );
    expect((body.data as { users: { nodes: unknown[] } }).users.nodes).toHaveLength(count);
    expect(users).toEqual(['find users']);
    expect(orders).toEqual(['aggregate orders']);
  });

  it('cost one more command on each side when totalCount is asked, fetched with the page', async () => {
    const { users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { totalCount nodes { orders(first: 5) { totalCount nodes { id } } } } }`,
      { n: count },
    );
    // countDocuments is an aggregation on the wire.
    expect(users).toEqual(['aggregate users', 'find users']);
    expect(orders).toEqual(['aggregate orders', 'aggregate orders']);
  });

  it('resolve every order\'s user in one more find on users', async () => {
    const { users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { nodes { orders(first: 3) { nodes { id user { name email } } } } } }`,
      { n: count },
    );
    expect(users).toEqual(['find users', 'find users']);
    expect(orders).toEqual(['aggregate orders']);
  });
});

it('keeps loaders per request: the second request sees a change the first one could have cached', async () => {
  const user = demoUsers(1)[0]!;
  const query = `query($id: ID!) { user(id: $id) { name } }`;
  const first = await commandsFor(query, { id: user._id.toHexString() });
  expect(first.users).toEqual(['find users']);
  await stack.usersDatabase.db.collection('users').updateOne({ _id: user._id }, { $set: { name: 'Renamed' } });
  const second = await commandsFor(query, { id: user._id.toHexString() });
  expect(second.users).toEqual(['find users']);
  expect(second.body.data).toEqual({ user: { name: 'Renamed' } });
  await stack.usersDatabase.db.collection('users').updateOne({ _id: user._id }, { $set: { name: user.name } });
});

it('reads only the page of a single user\'s orders, not the user\'s whole history', async () => {
  const heaviest = demoUsers(1)[0]!;
  stack.ordersCommands.clear();
  await postGraphQL(stack.routerUrl, `query($id: ID!) { user(id: $id) { orders(first: 3) { nodes { id } } } }`, { id: heaviest._id.toHexString() });
  expect(stack.ordersCommands.commands.map((c) => c.command)).toEqual(['find']);
  expect(stack.ordersCommands.documentsReturned).toBe(4);
});

it('asks for a user\'s orders twice with different filters in two commands, one per filter', async () => {
  const heaviest = demoUsers(1)[0]!;
  const { orders, body } = await commandsFor(`query($id: ID!) { user(id: $id) { paid: orders(status: PAID) { nodes { status } } shipped: orders(status: SHIPPED) { nodes { status } } } }`, {
    id: heaviest._id.toHexString(),
  });
  expect(orders).toEqual(['find orders', 'find orders']);
  const user = (body.data as { user: { paid: { nodes: Array<{ status: string }> }; shipped: { nodes: Array<{ status: string }> } } }).user;
  expect(new Set(user.paid.nodes.map((n) => n.status))).toEqual(new Set(['PAID']));
  expect(new Set(user.shipped.nodes.map((n) => n.status))).toEqual(new Set(['SHIPPED']));
});

describe('a batch whose users have thousands of orders', () => {
  let large: Stack;
  beforeAll(async () => {
    large = await startStack({ seed: { users: 60, orders: 6000 } });
  });
  afterAll(() => large?.stop());

  it('reads them in one command and one round trip, and only each user\'s page crosses the wire', async () => {
    large.ordersCommands.clear();
    const { body } = await postGraphQL(large.routerUrl, `{ users(first: 60) { nodes { orders(first: 1) { nodes { id } } } } }`);
    expect(body.errors).toBeUndefined();
    // One aggregation ($group with $firstN): one group per user who has orders, each with the user's
    // first two (the page and one more), where a find would return the users' whole histories (6,000 orders).
    const buyers = new Set(demoOrders(demoUsers(60), 6000).map((order) => order.userId.toHexString()));
    expect(large.ordersCommands.commands.map((c) => c.command)).toEqual(['aggregate']);
    expect(large.ordersCommands.documentsReturned).toBe(buyers.size);
  });
});
