import { randomBytes } from 'node:crypto';
import { developmentSigningSecret, signatureHeaders, signRequest } from '@fedstack/server';
import { MongoClient } from 'mongodb';
import { freePort } from '@fedstack/devkit';
import { adminId } from '../support/auth';
import { startStack, type Stack } from '../support/stack';
import { settleWithin, waitFor } from '../support/waitFor';
import { refusesConnections, startServiceProcess, startSlowPost, waitUntilReady, type ServiceProcess, type SlowPost } from '../support/serviceProcess';

/**
 * SIGTERM is how Docker, Kubernetes and systemd stop a service. These tests run the services as real
 * processes and signal them: a request in flight still gets its answer and the process exits 0; a second
 * signal does not wait for anything. "In flight" without test-only code in the service: a request whose
 * body is still arriving (headers and half the JSON sent, the rest only after the signal).
 *
 * Nothing here waits a fixed while: the request is in flight once the service has said `100 Continue`,
 * the signal has been handled once new connections are refused, and "at once" is "long before the
 * grace period", a give-up bound ten minutes short of it. A busy machine only makes each step slower.
 */

const mongoUrl = process.env.MONGO_URL ?? '';
const running: ServiceProcess[] = [];

afterAll(async () => {
  await Promise.all(running.splice(0).map((service) => service.kill()));
});

/** The grace period of the second-signal tests: far longer than any test may take, so only a service that does not wait for it can pass. */
const longGraceMs = '600000';

/** Waits until the service refuses new connections: it has handled SIGTERM and closed its port. */
function untilRefusing(url: string): Promise<true> {
  return waitFor('refused new connections after SIGTERM', async () => {
    try {
      return (await refusesConnections(url)) || undefined;
    } catch (error) {
      // A connection caught in the backlog while the port closes is reset: closing, not closed yet.
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') return undefined;
      throw error;
    }
  });
}

/** Starts an entry point as a process and waits until its `/health/ready` answers 200. */
async function startReady(entry: string, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const service = startServiceProcess(entry, env);
  running.push(service);
  await waitUntilReady(service, `http://127.0.0.1:${port}`);
  return service;
}

describe('the orders subgraph, run as a process', () => {
  const dbNames: string[] = [];

  afterAll(async () => {
    const client = await MongoClient.connect(mongoUrl);
    try {
      await Promise.all(dbNames.map((name) => client.db(name).dropDatabase()));
    } finally {
      await client.close();
    }
  });

  async function startOrders(env: Record<string, string> = {}): Promise<{ service: ServiceProcess; url: string }> {
    const port = await freePort();
    const dbName = `t${randomBytes(5).toString('hex')}_orders`;
    dbNames.push(dbName);
    const service = await startReady('subgraphs/orders/src/index.ts', port, {
      MONGO_URL: mongoUrl,
      ORDERS_PORT: String(port),
      ORDERS_HOST: '127.0.0.1',
      ORDERS_DB_NAME: dbName,
      LOG_LEVEL: 'warn',
      ...env,
    });
    return { service, url: `http://127.0.0.1:${port}/graphql` };
  }

  /** A request signed the way the router signs it (development secret), as an admin, sent slowly. */
  function slowSignedQuery(url: string, query: string): SlowPost {
    const body = JSON.stringify({ query });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signRequest(developmentSigningSecret('orders'), { method: 'POST', path: '/graphql', timestamp, userId: adminId, roles: 'admin', body });
    return startSlowPost(url, body, {
      [signatureHeaders.timestamp]: String(timestamp),
      [signatureHeaders.signature]: signature,
      [signatureHeaders.userId]: adminId,
      [signatureHeaders.roles]: 'admin',
    });
  }

  it('finishes a request in flight after SIGTERM, refuses new connections meanwhile, then exits 0', async () => {
    const { service, url } = await startOrders();
    // An order lookup goes to the database: the pool must stay open until the request is answered.
    const request = slowSignedQuery(url, '{ order(id: "000000000000000000000000") { id } }');
    await settleWithin(request.received, 'took the request in');
    service.signal('SIGTERM');
    await untilRefusing(url);

    // Still running, with the request unanswered: it waits for the rest of the body.
    expect(service.child.exitCode).toBeNull();
    request.finish();
    const response = await request.response;
    const exit = await service.exited;

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { order: null } });
    expect(response.headers.connection).toBe('close');
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at).toBeGreaterThanOrEqual(response.at);
  }, 60_000);

  it('exits at once with 1 on a second SIGTERM, without waiting for the grace period', async () => {
    const { service, url } = await startOrders({ SHUTDOWN_GRACE_MS: longGraceMs });
    // Never finished: the first SIGTERM would wait the whole grace period for it.
    const request = slowSignedQuery(url, '{ __typename }');
    await settleWithin(request.received, 'took the request in');
    service.signal('SIGTERM');
    await untilRefusing(url);
    // The first signal waits for the request, which never finishes.
    expect(service.child.exitCode).toBeNull();

    service.signal('SIGTERM');
    const exit = await settleWithin(service.exited, `exited on a second SIGTERM, before the grace period of ${longGraceMs} ms`);

    expect(exit).toMatchObject({ code: 1, signal: null });
    await expect(request.response).rejects.toThrow();
  }, 60_000);
});

describe.each([1, 2])('the router with ROUTER_WORKERS=%i, run as a process', (workers) => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function startRouter(env: Record<string, string> = {}): Promise<{ service: ServiceProcess; url: string }> {
    const port = await freePort();
    const service = await startReady('router/src/index.ts', port, {
      ROUTER_PORT: String(port),
      ROUTER_HOST: '127.0.0.1',
      ROUTER_WORKERS: String(workers),
      SUBGRAPH_USERS_URL: stack.usersUrl,
      SUBGRAPH_ORDERS_URL: stack.ordersUrl,
      LOG_LEVEL: 'warn',
      ...env,
    });
    return { service, url: `http://127.0.0.1:${port}/graphql` };
  }

  it('finishes a request in flight after SIGTERM, refuses new connections meanwhile, then exits 0', async () => {
    const { service, url } = await startRouter();
    // Through the router to the users subgraph and its database.
    const request = startSlowPost(url, JSON.stringify({ query: '{ users(first: 1) { totalCount } }' }), {});
    await settleWithin(request.received, 'took the request in');
    service.signal('SIGTERM');
    await untilRefusing(url);

    // Still running, with the request unanswered: it waits for the rest of the body.
    expect(service.child.exitCode).toBeNull();
    request.finish();
    const response = await request.response;
    const exit = await service.exited;

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ data: { users: { totalCount: 0 } } });
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.at).toBeGreaterThanOrEqual(response.at);
  }, 60_000);

  it('exits at once with 1 on a second SIGTERM, without waiting for the grace period', async () => {
    const { service, url } = await startRouter({ SHUTDOWN_GRACE_MS: longGraceMs });
    const request = startSlowPost(url, JSON.stringify({ query: '{ __typename }' }), {});
    await settleWithin(request.received, 'took the request in');
    service.signal('SIGTERM');
    await untilRefusing(url);
    // The first signal waits for the request, which never finishes.
    expect(service.child.exitCode).toBeNull();

    service.signal('SIGTERM');
    const exit = await settleWithin(service.exited, `exited on a second SIGTERM, before the grace period of ${longGraceMs} ms`);

    expect(exit).toMatchObject({ code: 1, signal: null });
    await expect(request.response).rejects.toThrow();
  }, 60_000);
});
