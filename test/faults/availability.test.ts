import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUsers, type EmbeddedDatabase, freePort, startFerretDB } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders, type GraphQLResponse } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/waitFor';

beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 10, orders: 40 };
const user = demoUsers(1)[0]!;
const userAndOrders = `query($id: ID!) { user(id: $id) { name orders(first: 3) { totalCount nodes { id } } } }`;
type Answer = GraphQLResponse<{ user: { name: string; orders: { totalCount: number } | null } | null }>;

/** Sends the user-and-orders query once. */
function ask(url: string): Promise<Answer> {
  return postGraphQL<{ user: { name: string; orders: { totalCount: number } | null } | null }>(url, userAndOrders, { id: user._id.toHexString() });
}

/** Sends the user-and-orders query `times` times, one after the other, `everyMs` apart; returns every answer. */
async function askTimes(url: string, times: number, everyMs = 50): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, everyMs));
    answers.push(await ask(url));
  }
  return answers;
}

/** Asks until the answer is complete (bounded poll; the deadline only decides when to give up) and returns it. */
function untilComplete(url: string, what: string, everyMs = 50): Promise<Answer> {
  return waitFor(what, async () => {
    const answer = await ask(url);
    return complete(answer) ? answer : undefined;
  }, { everyMs });
}

const complete = (answer: Answer) =>
  answer.body.errors === undefined && typeof answer.body.data?.user?.orders?.totalCount === 'number';

describe('the orders subgraph goes down during a stream of queries', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, env: { CIRCUIT_OPEN_MS: '500', SUBGRAPH_RETRY_BACKOFF_MS: '10' } });
  });
  afterAll(() => stack.stop());

  it('keeps answering the user with a coded error for orders, and full answers return once it is back, without a restart of the router', async () => {
    expect(complete(await ask(stack.routerUrl))).toBe(true);
    await stack.orders.stop();

    // Enough answers to go through failures, retries and the circuit opening (5 failures) and half-opening:
    // counted, not timed, so a busy machine sends as many.
    const degraded = await askTimes(stack.routerUrl, 8);
    for (const answer of degraded) {
      expect(answer.status).toBe(200);
      expect(answer.body.data?.user).toEqual({ name: user.name, orders: null });
      expect(answer.body.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' });
    }
    // The readiness endpoint names what is missing.
    const readiness = await fetch(stack.routerUrl.replace('/graphql', '/health/ready'));
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { checks: Record<string, string> }).checks).toHaveProperty('orders');

    await stack.restartOrders();
    // Without a restart of the router: its circuit lets a probe through and closes again.
    await untilComplete(stack.routerUrl, 'answered in full after the orders subgraph was back');
  });
});

describe('the database goes away and comes back', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-fault-db-'));
  let database: EmbeddedDatabase;
  let port: number;
  let stack: Stack;
  beforeAll(async () => {
    port = await freePort();
    database = await startFerretDB({ dataDir, port, log: () => {} });
    stack = await startStack({ seed, mongoUrl: database.url, databasePrefix: 'durable', keepDatabases: true, env: { MONGO_SERVER_SELECTION_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await stack.stop();
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers readiness 503 and fails requests fast with DATABASE_UNAVAILABLE, then recovers without a restart, data intact', async () => {
    const placed = await postGraphQL(stack.routerUrl, `mutation($userId: ID!) { placeOrder(input: { userId: $userId, idempotencyKey: "durable-1", items: [{ sku: "D", name: "Durable", quantity: 1, unitPrice: 100 }] }) { id } }`, {
      userId: user._id.toHexString(),
    });
    const orderId = (placed.body.data as { placeOrder: { id: string } }).placeOrder.id;

    await database.stop();
    const ordersReady = await fetch(stack.orders.url.replace('/graphql', '/health/ready'));
    expect(ordersReady.status).toBe(503);
    expect(((await ordersReady.json()) as { checks: Record<string, string> }).checks).toHaveProperty('mongodb');

    // "Fast" without a stopwatch: DATABASE_UNAVAILABLE is the subgraphs' own answer after their 500 ms
    // server selection; a subgraph that waited on the database longer than the router's subgraph timeout
    // (10 s) would come back as SUBGRAPH_TIMEOUT instead.
    const failing = await ask(stack.routerUrl);
    expect(failing.body.errors?.map((error) => error.extensions?.code)).toContain('DATABASE_UNAVAILABLE');
    expect(failing.body.errors?.map((error) => error.message)).toEqual(['The database is unavailable; try again shortly.', 'The database is unavailable; try again shortly.']);

    database = await startFerretDB({ dataDir, port, log: () => {} });
    await untilComplete(stack.routerUrl, 'answered in full after the database was back', 200);
    const order = await postGraphQL(stack.routerUrl, `query($id: ID!) { order(id: $id) { id total } }`, { id: orderId });
    expect(order.body.data).toEqual({ order: { id: orderId, total: 100 } });
    expect((await fetch(stack.orders.url.replace('/graphql', '/health/ready'))).status).toBe(200);

    // And it survives a restart of every service too: new processes' worth of services on the same data.
    const keep = stack;
    await keep.stop();
    stack = await startStack({ mongoUrl: database.url, databasePrefix: 'durable', keepDatabases: false });
    const afterRestart = await postGraphQL(stack.routerUrl, `query($id: ID!) { order(id: $id) { id total } }`, { id: orderId });
    expect(afterRestart.body.data).toEqual({ order: { id: orderId, total: 100 } });
  });
});
