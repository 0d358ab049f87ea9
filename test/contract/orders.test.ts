import { demoOrders, demoOrdersOfUser, demoUsers } from '@fedstack/devkit';
import { postSigned } from '../support/auth';
import { startStack, type Stack } from '../support/stack';

const seed = { users: 20, orders: 120 };
const users = demoUsers(seed.users);
const orders = demoOrders(users, seed.orders);

let stack: Stack;
beforeAll(async () => {
  // A page maximum below the default 100 and below the heaviest user's orders, to see the subgraph take it from its config.
  stack = await startStack({ seed, env: { MAX_PAGE_SIZE: '20' } });
});
afterAll(() => stack.stop());

describe('the orders subgraph, as the router calls it', () => {
  it('resolves Order representations in their order, null for ids nobody has, in one find', async () => {
    const picked = [orders[5]!, orders[77]!];
    stack.ordersCommands.clear();
    const { body } = await postSigned(
      stack.ordersUrl,
      'orders',
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Order { id total status user { id } } } }`,
      { representations: [...picked.map((o) => ({ __typename: 'Order', id: o._id.toHexString() })), { __typename: 'Order', id: 'dddddddddddddddddddddddd' }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      _entities: [...picked.map((o) => ({ id: o._id.toHexString(), total: o.total, status: o.status, user: { id: o.userId.toHexString() } })), null],
    });
    expect(stack.ordersCommands.commands.map((c) => `${c.command} ${c.collection}`)).toEqual(['find orders']);
  });

  it('resolves User representations to their orders, every user in one aggregation and one count', async () => {
    const picked = [users[3]!, users[0]!, users[19]!];
    stack.ordersCommands.clear();
    const { body } = await postSigned(
      stack.ordersUrl,
      'orders',
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id orders(first: 2) { totalCount nodes { id } } } } }`,
      { representations: picked.map((u) => ({ __typename: 'User', id: u._id.toHexString() })) },
    );
    expect(body.errors).toBeUndefined();
    const expected = picked.map((user) => {
      const own = demoOrdersOfUser(orders, user._id);
      return { id: user._id.toHexString(), orders: { totalCount: own.length, nodes: own.slice(0, 2).map((o) => ({ id: o._id.toHexString() })) } };
    });
    expect(body.data).toEqual({ _entities: expected });
    expect(stack.ordersCommands.commands.map((c) => `${c.command} ${c.collection}`).sort()).toEqual(['aggregate orders', 'aggregate orders']);
  });

  it("serves pages of a user's orders up to MAX_PAGE_SIZE, and answers BAD_USER_INPUT naming that maximum for a larger first", async () => {
    const heaviest = users[0]!;
    expect(orders.filter((o) => o.userId.equals(heaviest._id)).length).toBeGreaterThan(20);
    const ordersPage = (first: number) =>
      postSigned<{ _entities: Array<{ orders: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } | null }> }>(
        stack.ordersUrl,
        'orders',
        `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { orders(first: ${first}) { nodes { id } pageInfo { hasNextPage } } } } }`,
        { representations: [{ __typename: 'User', id: heaviest._id.toHexString() }] },
      );
    const page = await ordersPage(20);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data?._entities[0]?.orders?.nodes).toHaveLength(20);
    expect(page.body.data?._entities[0]?.orders?.pageInfo.hasNextPage).toBe(true);

    const tooLarge = await ordersPage(21);
    expect(tooLarge.body.data?._entities[0]?.orders).toBeNull();
    expect(tooLarge.body.errors?.[0]).toMatchObject({ message: 'first: must be between 1 and 20, but got: 21', extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
  });

  it('answers Query.user with a reference for any well-formed id, without reading the database', async () => {
    stack.ordersCommands.clear();
    const { body } = await postSigned(stack.ordersUrl, 'orders', `{ user(id: "EEEEEEEEEEEEEEEEEEEEEEEE") { id } }`);
    expect(body).toEqual({ data: { user: { id: 'eeeeeeeeeeeeeeeeeeeeeeee' } } });
    expect(stack.ordersCommands.count()).toBe(0);
  });
});
