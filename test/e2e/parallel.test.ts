import { demoUsers } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 20, orders: 100 };
const userId = demoUsers(1)[0]!._id.toHexString();
const unknownId = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** The median wall time of `runs` sequential requests, after one warm-up. */
async function medianMs(url: string, query: string, runs = 5): Promise<number> {
  await postGraphQL(url, query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const { body } = await postGraphQL(url, query);
    times.push(performance.now() - started);
    expect(body.errors).toBeUndefined();
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describe('with 100 ms between the router and each subgraph', () => {
  const delayMs = 100;
  let stack: Stack;
  beforeAll(async () => {
    // Latency of the subgraph calls: the response cache would answer the repeated users-only query itself.
    stack = await startStack({ seed, subgraphDelayMs: { users: delayMs, orders: delayMs }, env: { RESPONSE_CACHE: 'false' } });
  });
  afterAll(() => stack.stop());

  it('answers a user and their orders in about the time of one subgraph call, not two', async () => {
    const oneSubgraph = await medianMs(stack.routerUrl, `{ user(id: "${userId}") { name } }`);
    const both = await medianMs(stack.routerUrl, `{ user(id: "${userId}") { name orders(first: 5) { nodes { id total } } } }`);
    // Two sequential fetches would take at least 2 × 100 ms.
    expect(oneSubgraph).toBeGreaterThanOrEqual(delayMs);
    expect(both).toBeLessThan(2 * delayMs);
    expect(both / oneSubgraph).toBeLessThan(1.5);
  });

  it('needs two subgraph calls in a row for an order and its user, which depend on each other', async () => {
    const orderId = ((await postGraphQL(stack.routerUrl, `{ user(id: "${userId}") { orders(first: 1) { nodes { id } } } }`)).body.data as {
      user: { orders: { nodes: Array<{ id: string }> } };
    }).user.orders.nodes[0]!.id;
    expect(await medianMs(stack.routerUrl, `{ order(id: "${orderId}") { total user { name } } }`, 3)).toBeGreaterThanOrEqual(2 * delayMs);
  });
});

describe.each([
  { slower: 'users', subgraphDelayMs: { users: 60 } },
  { slower: 'orders', subgraphDelayMs: { orders: 60 } },
])('an unknown user id when the $slower subgraph answers last', ({ subgraphDelayMs }) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, subgraphDelayMs });
  });
  afterAll(() => stack.stop());

  it('answers user: null with no error and no merge note', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `{ user(id: "${unknownId}") { name orders { nodes { id } } } }`);
    expect(body).toEqual({ data: { user: null } });
  });
});
