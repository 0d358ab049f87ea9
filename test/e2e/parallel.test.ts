import { demoUsers, inFlightTogether, type ProxiedRequest } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';
import { whileHeld } from '../support/whileHeld';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 20, orders: 100 };
const userId = demoUsers(1)[0]!._id.toHexString();
const unknownId = 'aaaaaaaaaaaaaaaaaaaaaaaa';

/** The requests one query made to each subgraph, as the delay proxies in front of them saw them. */
async function subgraphRequests(stack: Stack, query: string): Promise<{ users: ProxiedRequest[]; orders: ProxiedRequest[] }> {
  const users = stack.proxies.users!.requests.length;
  const orders = stack.proxies.orders!.requests.length;
  const { body } = await postGraphQL(stack.routerUrl, query);
  expect(body.errors).toBeUndefined();
  return { users: stack.proxies.users!.requests.slice(users), orders: stack.proxies.orders!.requests.slice(orders) };
}

/**
 * Parallelism is proven by overlap, never by elapsed time: the users and the orders request are in
 * flight at the same moment, as the proxies in front of the subgraphs see them, which hold both until
 * both have arrived. A busy machine can slow everything down, but it cannot make a request sent after
 * another one's answer arrive before it. The delay stands for subgraphs on other machines. The dependent query, which must wait,
 * is the same measure's counter-example: it shows that a plan run in sequence does not overlap.
 */
describe('with 100 ms between the router and each subgraph', () => {
  const delayMs = 100;
  let stack: Stack;
  beforeAll(async () => {
    // No response cache: each query goes to the subgraphs.
    stack = await startStack({ seed, subgraphDelayMs: { users: delayMs, orders: delayMs }, env: { RESPONSE_CACHE: 'false' } });
  });
  afterAll(() => stack.stop());

  it('has a user and their orders fetched from both subgraphs at the same moment', async () => {
    // Both subgraphs hold what reaches them until both requests have arrived: a plan that waited for
    // one answer before sending the other request could never get there, whatever the machine's load.
    const [usersBefore, ordersBefore] = [stack.proxies.users!.requests.length, stack.proxies.orders!.requests.length];
    const { users, orders } = await whileHeld(
      [stack.proxies.users!, stack.proxies.orders!],
      () => subgraphRequests(stack, `{ user(id: "${userId}") { name orders(first: 5) { nodes { id total } } } }`),
      'a users and an orders request in flight together',
      () => stack.proxies.users!.requests.length > usersBefore && stack.proxies.orders!.requests.length > ordersBefore,
    );
    expect(users).toHaveLength(1);
    expect(orders).toHaveLength(1);
    // Each request reached its proxy before the other one's answer came back.
    expect(inFlightTogether(users[0]!, orders[0]!)).toBe(true);
  });

  it('fetches an order and its user one after the other, the user only once the order has come back', async () => {
    const orderId = ((await postGraphQL(stack.routerUrl, `{ user(id: "${userId}") { orders(first: 1) { nodes { id } } } }`)).body.data as {
      user: { orders: { nodes: Array<{ id: string }> } };
    }).user.orders.nodes[0]!.id;
    const { users, orders } = await subgraphRequests(stack, `{ order(id: "${orderId}") { total user { name } } }`);
    expect(orders).toHaveLength(1);
    expect(users).toHaveLength(1);
    expect(inFlightTogether(users[0]!, orders[0]!)).toBe(false);
    expect(orders[0]!.answered).toBeLessThan(users[0]!.arrived);
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
