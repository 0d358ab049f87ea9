import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ seed: { users: 120, orders: 1200 } });
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
  it('cost one find on users and one find on orders', async () => {
    const { body, users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { nodes { id name orders(first: 5) { nodes { id total } } } } }`,
      { n: count },
    );
    expect((body.data as { users: { nodes: unknown[] } }).users.nodes).toHaveLength(count);
    expect(users).toEqual(['find users']);
    expect(orders).toEqual(['find orders']);
  });

  it('cost one more command on each side when totalCount is asked, fetched with the page', async () => {
    const { users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { totalCount nodes { orders(first: 5) { totalCount nodes { id } } } } }`,
      { n: count },
    );
    // countDocuments is an aggregation on the wire.
    expect(users).toEqual(['aggregate users', 'find users']);
    expect(orders).toEqual(['aggregate orders', 'find orders']);
  });

  it('resolve every order\'s user in one more find on users', async () => {
    const { users, orders } = await commandsFor(
      `query($n: Int) { users(first: $n) { nodes { orders(first: 3) { nodes { id user { name email } } } } } }`,
      { n: count },
    );
    expect(users).toEqual(['find users', 'find users']);
    expect(orders).toEqual(['find orders']);
  });
});

it('keeps loaders per request: a second identical request reads the database again', async () => {
  const query = `{ users(first: 5) { nodes { id } } }`;
  const first = await commandsFor(query, {});
  const second = await commandsFor(query, {});
  expect(first.users).toEqual(['find users']);
  expect(second.users).toEqual(['find users']);
});
