import { freePort } from '@fedstack/devkit';
import { startStack, type Stack } from '../support/stack';
import { startServiceProcess, startSlowPost, waitUntilReady, type ServiceProcess } from '../support/serviceProcess';

/**
 * The router as a Node cluster (`ROUTER_WORKERS` > 1): one port, several worker processes, a primary
 * that replaces a worker that dies and gives up, loudly, when they keep dying. Shutdown on signals is in
 * shutdown.test.ts.
 */

let stack: Stack;
const running: ServiceProcess[] = [];

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await Promise.all(running.splice(0).map((service) => service.kill()));
  await stack?.stop();
});

function startRouter(port: number, env: Record<string, string>): ServiceProcess {
  const service = startServiceProcess('router/src/index.ts', {
    ROUTER_PORT: String(port),
    ROUTER_HOST: '127.0.0.1',
    SUBGRAPH_USERS_URL: stack.usersUrl,
    SUBGRAPH_ORDERS_URL: stack.ordersUrl,
    LOG_LEVEL: 'info',
    ...env,
  });
  running.push(service);
  return service;
}

/** The pids of the workers the primary has reported listening, in order. */
function listeningWorkers(service: ServiceProcess): number[] {
  return [...service.output().matchAll(/router worker \d+ \(pid (\d+)\) listening on port/g)].map((match) => Number(match[1]));
}

/** One query on a connection of its own, so that no pooled connection to a dead worker is reused. */
async function countUsers(url: string): Promise<number> {
  const request = startSlowPost(url, JSON.stringify({ query: '{ users(first: 1) { totalCount } }' }), {});
  request.finish();
  const response = await request.response;
  return response.status;
}

describe('the router with ROUTER_WORKERS=2', () => {
  it('answers /metrics for the whole cluster, whichever worker takes the scrape', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const router = startRouter(port, { ROUTER_WORKERS: '2' });
    await waitUntilReady(router, `http://127.0.0.1:${port}`);
    await router.waitForOutput(/(router worker \d+ \(pid \d+\) listening on port \d+[^]*){2}/);
    // Each on a connection of its own, so the kernel spreads them over both workers.
    for (let i = 0; i < 12; i++) await countUsers(url);
    for (let scrape = 0; scrape < 4; scrape++) {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { connection: 'close' } })).text();
      const total = [...text.matchAll(/^graphql_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
      expect(total).toBe(12);
    }
  }, 60_000);

  it('runs two workers on the one port, starts another when one dies, and answers throughout', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/graphql`;
    const router = startRouter(port, { ROUTER_WORKERS: '2' });
    await waitUntilReady(router, `http://127.0.0.1:${port}`);
    await router.waitForOutput(/(router worker \d+ \(pid \d+\) listening on port \d+[^]*){2}/);
    const [first, second] = listeningWorkers(router);
    expect(new Set([router.pid, first, second]).size).toBe(3);

    process.kill(first!, 'SIGKILL');
    await router.waitForOutput(new RegExp(`router worker \\d+ \\(pid ${first}\\) died \\(signal SIGKILL\\); starting another in 100 ms`));
    // The other worker answers while the new one starts.
    for (let i = 0; i < 5; i += 1) expect(await countUsers(url)).toBe(200);
    await router.waitForOutput(/(router worker \d+ \(pid \d+\) listening on port \d+[^]*){3}/);
    const replacement = listeningWorkers(router)[2];
    expect([router.pid, first, second]).not.toContain(replacement);
    for (let i = 0; i < 5; i += 1) expect(await countUsers(url)).toBe(200);

    router.signal('SIGTERM');
    expect(await router.exited).toMatchObject({ code: 0, signal: null });
  }, 60_000);

  it('gives up with a log line that says so, and exits 1, when its workers keep dying at start-up', async () => {
    // Two restarts within an hour, so that the count alone decides, however slowly a loaded machine
    // starts each worker (the default, 5 within 60 s, is what the unit tests check).
    const router = startRouter(await freePort(), {
      ROUTER_WORKERS: '2',
      ROUTER_WORKER_MAX_RESTARTS: '2',
      ROUTER_WORKER_RESTART_WINDOW_S: '3600',
      SUPERGRAPH_PATH: '/nonexistent/supergraph.graphql',
    });

    const exit = await router.exited;

    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(router.output()).toMatch(/router workers in slot \d of 2 died 3 times within 3600 s .*crash-looping, so giving up: stopping the other workers and exiting 1/);
    expect(router.output()).toMatch(/died \(code 1\); starting another in 100 ms \(death 1 in its slot within 3600 s; 3 give up\)/);
    // Each worker said why it died.
    expect(router.output()).toContain('/nonexistent/supergraph.graphql');
    // Three starts of a worker in one slot, each a full process start, plus 0.3 s of backoff between them.
  }, 120_000);
});
