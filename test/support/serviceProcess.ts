import { request } from 'node:http';
import { connect } from 'node:net';
import { ServiceProcess, type ProcessExit } from '@fedstack/devkit';
import { routerExecutorEnv } from './routerExecutor';

/**
 * Services run as their own processes, the way production runs them, for the fault tests: signalled,
 * killed and restarted from outside, through the devkit's one process spawner (ServiceProcess).
 */

export { ServiceProcess };

/**
 * Starts `entry` (relative to the repository, e.g. `subgraphs/orders/src/index.ts`) with `env` on top of
 * a minimal environment (the shell's own settings stay out, so a stray `ROUTER_WORKERS` does not change
 * a test; only `ROUTER_EXECUTOR` is passed on, see routerExecutor.ts). It runs in a process group of
 * its own, so that `kill()` also reaches processes it forked.
 */
export function startServiceProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const base: Record<string, string> = { NODE_ENV: 'test', APOLLO_TELEMETRY_DISABLED: 'true' };
  const executor = routerExecutorEnv().ROUTER_EXECUTOR;
  if (executor) base.ROUTER_EXECUTOR = executor;
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  return ServiceProcess.start({ name: entry, entry, env: { ...base, ...env }, detached: true, output: 'keep' });
}

/**
 * Polls `GET /health/ready` (or `/health/live`, for a service whose dependencies are not running) on
 * `baseUrl` (e.g. `http://127.0.0.1:4002`) until it answers 200. Fails at once, with the output, if the
 * process exits first, and after `timeoutMs` otherwise.
 */
export async function waitUntilReady(service: ServiceProcess, baseUrl: string, timeoutMs = 30_000, check: 'ready' | 'live' = 'ready'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: ProcessExit | undefined;
  void service.exited.then((exit) => {
    ended = exit;
  });
  for (;;) {
    if (ended) throw new Error(`the service exited (${ended.signal ?? ended.code}) before it was ready; its output:\n${service.output()}`);
    try {
      if ((await fetch(`${baseUrl}/health/${check}`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`not ${check} at ${baseUrl}/health/${check} within ${timeoutMs} ms; its output:\n${service.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What came back from a {@link startSlowPost}. */
export interface SlowResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** When the last byte arrived, in `Date.now()` time. */
  at: number;
}

/** A POST in flight whose body is only half sent. */
export interface SlowPost {
  /**
   * Resolves when the service has read the request's headers and is waiting for its body (it answered
   * `100 Continue`): from then on the request is in flight in the service.
   */
  received: Promise<void>;
  /** Sends the rest of the body. */
  finish(): void;
  /** Settles when the answer has arrived in full, or the connection failed. */
  response: Promise<SlowResponse>;
}

/**
 * Sends a POST's headers and the first half of its body at once, on a connection of its own, and the
 * rest only on `finish()`. From the headers on, the server has the request in flight, waiting for its
 * body: a slow request without any test-only code in the service. The request says
 * `Expect: 100-continue`, so the service's `100 Continue` tells when it has the request
 * ({@link SlowPost.received}), instead of a pause that is too short on a busy machine.
 */
export function startSlowPost(url: string, body: string, headers: Record<string, string>): SlowPost {
  const target = new URL(url);
  const bytes = Buffer.from(body, 'utf8');
  const half = Math.floor(bytes.length / 2);
  const req = request({
    host: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length), expect: '100-continue', ...headers },
  });
  const received = new Promise<void>((resolveReceived, reject) => {
    req.once('continue', () => resolveReceived());
    req.once('error', reject);
    req.once('response', () => reject(new Error(`the service answered before it asked for the body (it never sent 100 Continue)`)));
  });
  received.catch(() => undefined);
  const response = new Promise<SlowResponse>((resolveResponse, reject) => {
    req.once('error', reject);
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.once('error', reject);
      res.once('end', () => resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }));
    });
  });
  // A test that never finishes the body expects the connection to fail; it must not fail the run.
  response.catch(() => undefined);
  req.write(bytes.subarray(0, half));
  return { received, finish: () => req.end(bytes.subarray(half)), response };
}

/**
 * Resolves true when a new TCP connection to `url`'s port is refused, false when it is accepted: whether
 * the service still listens. A bare socket, so no pooled keep-alive connection answers instead.
 */
export function refusesConnections(url: string): Promise<boolean> {
  const target = new URL(url);
  return new Promise((resolveRefused, reject) => {
    const socket = connect(Number(target.port), target.hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolveRefused(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolveRefused(true) : reject(error)));
  });
}
