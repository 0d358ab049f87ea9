import { demoUsers } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/waitFor';
import { readCounter, whileHeld } from '../support/whileHeld';

beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 20, orders: 100 };
const ids = demoUsers(20).map((user) => user._id.toHexString());
/** One operation, so that its plan is weighed by what its last runs read; each request asks for its own user. */
const userQuery = 'query User($id: ID!) { user(id: $id) { id name } }';
const askFor = (stack: Stack, indices: readonly number[]) => Promise.all(indices.map((i) => postGraphQL(stack.routerUrl, userQuery, { id: ids[i] })));
const answersFor = (indices: readonly number[]) => indices.map((i) => ({ data: { user: { id: ids[i], name: expect.any(String) } } }));
const alone = { RESPONSE_CACHE: 'false', DEDUPE_INBOUND_QUERIES: 'false', DEDUPE_SUBGRAPH_REQUESTS: 'false', ROUTER_EXECUTOR: 'ours' };

describe('ROUTER_PLAN_ADMISSION=1: one plan at a time', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, subgraphDelayMs: { users: 0 }, env: { ...alone, ROUTER_PLAN_ADMISSION: '1' } });
  });
  afterAll(() => stack.stop());

  it('holds the later plans back until the running one ends, then runs each, and answers every request', async () => {
    const users = stack.proxies.users!;
    // A first run, so that the operation has a weight: the bytes its fetch read.
    expect((await askFor(stack, [19])).map(({ body }) => body)).toEqual(answersFor([19]));
    const before = users.requests.length;
    const answers = await whileHeld(
      [users],
      () => askFor(stack, [0, 1, 2]),
      'one plan running at its subgraph, holding the bytes its operation read last time, and two waiting to start',
      async () =>
        users.requests.length === before + 1 &&
        (await readCounter(stack.routerUrl, 'router_plans_waiting')) === 2 &&
        (await readCounter(stack.routerUrl, 'router_plans_held_bytes')) > 0,
    );
    expect(answers.map(({ body }) => body)).toEqual(answersFor([0, 1, 2]));
    expect(users.requests.length).toBe(before + 3);
    // The first plan had the subgraph to itself: the others reached it only after its answer.
    const [first, ...later] = users.requests.slice(before);
    for (const request of later) expect(request!.arrived).toBeGreaterThanOrEqual(first!.answered!);
    await waitFor('no plan left running or waiting', async () => ((await readCounter(stack.routerUrl, 'router_plans_running')) + (await readCounter(stack.routerUrl, 'router_plans_waiting')) === 0 ? true : undefined));
  });
});

describe('ROUTER_PLAN_ADMISSION by default (adaptive)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, subgraphDelayMs: { users: 0 }, env: alone });
  });
  afterAll(() => stack.stop());

  it('does not hold plans back while they wait on a slow subgraph: all of them reach it together', async () => {
    const users = stack.proxies.users!;
    const before = users.requests.length;
    const all = ids.map((_id, i) => i);
    const answers = await whileHeld(
      [users],
      () => askFor(stack, all),
      `${ids.length} plans at the users subgraph at once`,
      () => users.requests.length === before + ids.length,
    );
    expect(answers.map(({ body }) => body)).toEqual(answersFor(all));
  });
});
