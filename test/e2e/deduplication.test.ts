import { demoUsers } from '@fedstack/devkit';
import { asUser } from '../support/auth';
import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';
import { readCounter, whileHeld } from '../support/whileHeld';

const users = demoUsers(12);
const ordersOf = `query($id: ID!) { user(id: $id) { orders(first: 2) { totalCount } } }`;

describe.each([
  { subgraph: 'true', inbound: 'false', shared: true },
  { subgraph: 'false', inbound: 'true', shared: true },
  { subgraph: 'false', inbound: 'false', shared: false },
])('identical queries in flight at once, DEDUPE_SUBGRAPH_REQUESTS=$subgraph DEDUPE_INBOUND_QUERIES=$inbound', ({ subgraph, inbound, shared }) => {
  let stack: Stack;
  beforeAll(async () => {
    // Proxies in front of the subgraphs, with no delay: the tests hold the orders one to keep requests in flight.
    stack = await startStack({ seed: { users: 12, orders: 60 }, subgraphDelayMs: { users: 0, orders: 0 }, env: { DEDUPE_SUBGRAPH_REQUESTS: subgraph, DEDUPE_INBOUND_QUERIES: inbound } });
  });
  afterAll(() => stack.stop());

  it(shared ? 'share one subgraph request for the same user' : 'each send their own subgraph request', async () => {
    const alice = users[0]!._id.toHexString();
    const headers = await asUser(alice);
    const before = stack.proxies.orders!.seen.length;
    // Where the nine that wait are counted: the router's own, or the orders subgraph's requests.
    const sharedCount = () =>
      inbound === 'true' ? readCounter(stack.routerUrl, 'graphql_deduplicated_requests_total') : readCounter(stack.routerUrl, 'subgraph_deduplicated_requests_total', 'subgraph="orders"');
    const sharedBefore = await sharedCount();
    const answers = await whileHeld(
      [stack.proxies.orders!],
      () => Promise.all(Array.from({ length: 10 }, () => postGraphQL(stack.routerUrl, ordersOf, { id: alice }, headers))),
      shared ? 'nine of the ten requests waiting for the first one' : 'all ten requests at the orders subgraph',
      async () => (shared ? (await sharedCount()) - sharedBefore >= 9 : stack.proxies.orders!.seen.length - before >= 10),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body.errors).toBeUndefined();
    const sent = stack.proxies.orders!.seen.length - before;
    if (shared) expect(sent).toBe(1);
    else expect(sent).toBe(10);
    expect((await sharedCount()) - sharedBefore).toBe(shared ? 9 : 0);
  });

  it('never share across identities: each user gets their own answer, and no one another\'s', async () => {
    const before = stack.proxies.orders!.seen.length;
    const viewers = await Promise.all(users.slice(0, 6).map(async (user) => ({ id: user._id.toHexString(), headers: await asUser(user._id.toHexString()) })));
    // All six in flight at once, each at the orders subgraph: none waited for another's answer.
    const answers = await whileHeld(
      [stack.proxies.orders!],
      () =>
        Promise.all(
          viewers.map(async ({ id, headers }) => ({
            id,
            answer: await postGraphQL(stack.routerUrl, `query { user(id: "${users[0]!._id.toHexString()}") { orders(first: 1) { totalCount } } }`, {}, headers),
          })),
        ),
      'all six identities at the orders subgraph',
      () => stack.proxies.orders!.seen.length - before >= 6,
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
    const before = stack.proxies.orders!.seen.length;
    // All five in flight at once, each at the orders subgraph.
    const answers = await whileHeld(
      [stack.proxies.orders!],
      () => Promise.all(Array.from({ length: 5 }, () => postGraphQL(stack.routerUrl, mutation, { userId: alice }, headers))),
      'all five mutations at the orders subgraph',
      () => stack.proxies.orders!.seen.length - before >= 5,
    );
    expect(stack.proxies.orders!.seen.length - before).toBe(5);
    expect(new Set(answers.map((answer) => (answer.body.data as { placeOrder: { id: string } }).placeOrder.id)).size).toBe(5);
  });
});
