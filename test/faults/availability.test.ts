import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoUsers, type EmbeddedDatabase, freePort, startFerretDB } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders, type GraphQLResponse } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 10, orders: 40 };
const user = demoUsers(1)[0]!;
const userAndOrders = `query($id: ID!) { user(id: $id) { name orders(first: 3) { totalCount nodes { id } } } }`;
type Answer = GraphQLResponse<{ user: { name: string; orders: { totalCount: number } | null } | null }>;

/** Sends the user-and-orders query every `everyMs` until `until()` is true or `maxMs` passes; returns every answer. */
async function stream(url: string, until: (answer: Answer) => boolean, maxMs: number, everyMs = 50): Promise<Answer[]> {
  const answers: Answer[] = [];
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const answer = await postGraphQL<{ user: { name: string; orders: { totalCount: number } | null } | null }>(url, userAndOrders, { id: user._id.toHexString() });
    answers.push(answer);
    if (until(answer)) break;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return answers;
}

const complete = (answer: Answer) =>
  answer.body.errors === undefined && typeof answer.body.data?.user?.orders?.totalCount === 'number';

describe('the orders subgraph goes down during a stream of queries', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, env: { CIRCUIT_OPEN_MS: '500', SUBGRAPH_RETRY_BACKOFF_MS: '10' } });
  });
  afterAll(() => stack.stop());

  it('keeps answering the user with a coded error for orders, and full answers return within seconds of its restart', async () => {
    expect(complete((await stream(stack.routerUrl, complete, 2000))[0]!)).toBe(true);
    await stack.orders.stop();

    const degraded = await stream(stack.routerUrl, () => false, 1500);
    expect(degraded.length).toBeGreaterThan(3);
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
    const started = Date.now();
    const recovered = await stream(stack.routerUrl, complete, 10_000);
    expect(complete(recovered.at(-1)!)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
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

    const started = Date.now();
    const failing = await postGraphQL(stack.routerUrl, userAndOrders, { id: user._id.toHexString() });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(failing.body.errors?.map((error) => error.extensions?.code)).toContain('DATABASE_UNAVAILABLE');
    expect(failing.body.errors?.map((error) => error.message)).toEqual(['The database is unavailable; try again shortly.', 'The database is unavailable; try again shortly.']);

    database = await startFerretDB({ dataDir, port, log: () => {} });
    const recovered = await stream(stack.routerUrl, complete, 15_000, 200);
    expect(complete(recovered.at(-1)!)).toBe(true);
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
