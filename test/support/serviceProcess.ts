import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { routerExecutorEnv } from './routerExecutor';

/**
 * A service run as its own process, the way production runs it, for the fault tests: signalled, killed
 * and restarted from outside. Each entry point runs with `node --import tsx`, so the process the tests
 * signal is the service itself, as `node dist/index.js` is in a container.
 *
 * Why not `tsx` (its CLI): it runs the service in a child process and relays signals to it, and when
 * the child does not acknowledge a relayed signal within 30 ms it kills it with SIGKILL, which a busy
 * test machine can trigger and which is not what is under test.
 */

const repoRoot = resolve(__dirname, '../..');

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it ended, in `Date.now()` time. */
  at: number;
}

/** A running service process. */
export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** Everything it has written to stderr and stdout (its JSON log lines) so far. */
  output(): string;
  /** Resolves when it has exited. */
  exited: Promise<ProcessExit>;
  /** Resolves with the first match of `pattern` in its output, waiting up to `timeoutMs` for it. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal to the process itself (not its workers). */
  signal(signal: NodeJS.Signals): void;
  /** Kills it and everything it started (its process group) at once, unless already gone. For `afterAll`. */
  kill(): Promise<void>;
}

/**
 * Starts `entry` (relative to the repository, e.g. `subgraphs/orders/src/index.ts`) with `env` on top of
 * a minimal environment (the shell's own settings stay out, so a stray `ROUTER_WORKERS` does not change
 * a test; only `ROUTER_EXECUTOR` is passed on, see routerExecutor.ts). It runs in a process group of its own, so that {@link ServiceProcess.kill} also reaches
 * processes it forked.
 */
export function startServiceProcess(entry: string, env: Record<string, string>): ServiceProcess {
  const base: Record<string, string> = { NODE_ENV: 'test', APOLLO_TELEMETRY_DISABLED: 'true' };
  const executor = routerExecutorEnv().ROUTER_EXECUTOR;
  if (executor) base.ROUTER_EXECUTOR = executor;
  for (const name of ['PATH', 'HOME', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', resolve(repoRoot, entry)], {
    cwd: repoRoot,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${entry}`);
  const pid = child.pid;
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<ProcessExit>((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal, at: Date.now() })));
  let gone = false;
  void exited.then(() => {
    gone = true;
  });

  return {
    child,
    pid,
    output: () => output,
    exited,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          done();
          resolveMatch(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${entry} did not write ${pattern} within ${timeoutMs} ms; its output:\n${output}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    signal(signal) {
      if (!gone) child.kill(signal);
    },
    async kill() {
      try {
        // The whole group: a router primary's workers too.
        process.kill(-pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
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
  /** Sends the rest of the body. */
  finish(): void;
  /** Settles when the answer has arrived in full, or the connection failed. */
  response: Promise<SlowResponse>;
}

/**
 * Sends a POST's headers and the first half of its body at once, on a connection of its own, and the
 * rest only on `finish()`. From the headers on, the server has the request in flight, waiting for its
 * body: a slow request without any test-only code in the service.
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
    headers: { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers },
  });
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
  return { finish: () => req.end(bytes.subarray(half)), response };
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
