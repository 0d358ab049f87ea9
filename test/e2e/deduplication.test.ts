import { demoUsers } from '@fedstack/devkit';
import { asUser } from '../support/auth';
import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

const users = demoUsers(12);
const ordersOf = `query($id: ID!) { user(id: $id) { orders(first: 2) { totalCount } } }`;

describe.each([
  { subgraph: 'true', inbound: 'false', shared: true },
  { subgraph: 'false', inbound: 'true', shared: true },
  { subgraph: 'false', inbound: 'false', shared: false },
])('identical queries in flight at once, DEDUPE_SUBGRAPH_REQUESTS=$subgraph DEDUPE_INBOUND_QUERIES=$inbound', ({ subgraph, inbound, shared }) => {
  let stack: Stack;
  beforeAll(async () => {
    // 100 ms on the way to each subgraph, so that concurrent requests overlap for sure.
    stack = await startStack({ seed: { users: 12, orders: 60 }, subgraphDelayMs: { users: 100, orders: 100 }, env: { DEDUPE_SUBGRAPH_REQUESTS: subgraph, DEDUPE_INBOUND_QUERIES: inbound } });
  });
  afterAll(() => stack.stop());

  it(shared ? 'share one subgraph request for the same user' : 'each send their own subgraph request', async () => {
    const alice = users[0]!._id.toHexString();
    const headers = await asUser(alice);
    const before = stack.proxies.orders!.seen.length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => postGraphQL(stack.routerUrl, ordersOf, { id: alice }, headers)));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body.errors).toBeUndefined();
    const sent = stack.proxies.orders!.seen.length - before;
    if (shared) expect(sent).toBe(1);
    else expect(sent).toBe(10);
  });

  it('never share across identities: each user gets their own answer, and no one another\'s', async () => {
    const before = stack.proxies.orders!.seen.length;
    const answers = await Promise.all(
      users.slice(0, 6).map(async (user) => {
        const id = user._id.toHexString();
        return { id, answer: await postGraphQL(stack.routerUrl, `query { user(id: "${users[0]!._id.toHexString()}") { orders(first: 1) { totalCount } } }`, {}, await asUser(id)) };
      }),
    );
    // Only the first user owns those orders; the five others are refused, each on their own.
    expect(answers.filter(({ answer }) => answer.body.errors === undefined).map(({ id }) => id)).toEqual([users[0]!._id.toHexString()]);
    expect(answers.filter(({ answer }) => answer.body.errors?.[0]?.extensions?.code === 'FORBIDDEN')).toHaveLength(5);
    expect(stack.proxies.orders!.seen.length - before).toBe(6);
  });

  it('never share mutations', async () => {
    const alice = users[1]!._id.toHexString();
    const headers = await asUser(alice);
    const mutation = `mutation($userId: ID!) { placeOrder(input: { userId: $userId, items: [{ sku: "M", name: "M", quantity: 1, unitPrice: 1 }] }) { id } }`;
    const answers = await Promise.all(Array.from({ length: 5 }, () => postGraphQL(stack.routerUrl, mutation, { userId: alice }, headers)));
    expect(new Set(answers.map((answer) => (answer.body.data as { placeOrder: { id: string } }).placeOrder.id)).size).toBe(5);
  });
});
