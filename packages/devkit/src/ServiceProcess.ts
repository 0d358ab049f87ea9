import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from './paths';

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it ended, in `Date.now()` time. */
  at: number;
}

/** What to do with what a process writes. */
export type ProcessOutput =
  /** Keep all of it (stdout and stderr, interleaved as they arrive), for `output()` and `waitForOutput`: the tests. */
  | 'keep'
  /** Write each line to this process's stdout or stderr, prefixed with the name: `npm start`. */
  | 'forward'
  /** Keep only the last few thousand characters of stderr, for error messages; drain stdout: the bench. */
  | 'tail';

/** How to start one TypeScript entry as a process of its own. */
export interface ServiceProcessOptions {
  /** A name for messages and prefixes, e.g. `router` or `users`. */
  name: string;
  /** The entry, relative to the repository root, e.g. `router/src/index.ts`. */
  entry: string;
  /**
   * The entry is compiled JavaScript (`router/dist/index.js`), run as the Docker image runs it: plain
   * `node`, the workspaces loaded from their builds, no tsx. Defaults to false.
   */
  compiled?: boolean;
  env: NodeJS.ProcessEnv;
  /** More flags for node, before the entry, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
  /**
   * A process group of its own: a terminal's Ctrl-C then reaches only the parent, which stops its
   * children in order, and {@link ServiceProcess.kill} ends the whole group (a router's workers too).
   */
  detached?: boolean;
  /** An IPC channel: the bench's own entries use it to say they listen and to answer questions. */
  ipc?: boolean;
  /** Defaults to `tail`. */
  output?: ProcessOutput;
  /** With `tail`: also keep the stdout lines that match (e.g. `--trace-gc`'s full collections). */
  keepStdout?: RegExp;
}

/** Every process started and not yet exited: what {@link killAll} ends when a tool must stop at once. */
const running = new Set<ChildProcess>();
/** Processes started some other way to end with them (the embedded database). */
const extraPids = new Set<number>();

/** Also end `pid` in {@link killAll}. */
export function registerProcess(pid: number): void {
  extraPids.add(pid);
}

/** Ends, with SIGKILL, every process started here: for a deadline or a crash, when a graceful stop cannot be awaited. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of extraPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

const tailLength = 4000;

/**
 * A service (or any TypeScript entry) started as a child process with
 * `node --import tsx --conditions=source <entry>`: the one way `npm start`, the tests and the bench
 * start processes.
 *
 * Why `node --import tsx` and not the tsx CLI: the CLI runs the program in a grandchild and relays
 * signals to it, killing it with SIGKILL when it does not confirm one within 30 ms, which a busy machine
 * can trigger and which would cut a graceful shutdown short. This way `pid` is the process that serves:
 * the one a test signals, and whose CPU and memory the bench samples.
 */
export class ServiceProcess {
  /** The stdout lines `keepStdout` matched, in order (with `tail`). */
  readonly stdoutLines: string[] = [];
  /** Resolves when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  private kept = '';
  private readonly listeners = new Set<() => void>();

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    private readonly options: ServiceProcessOptions,
  ) {
    const mode = options.output ?? 'tail';
    if (mode === 'keep') {
      const append = (chunk: Buffer) => {
        this.kept += chunk.toString('utf8');
        for (const listener of this.listeners) listener();
      };
      child.stdout?.on('data', append);
      child.stderr?.on('data', append);
    } else if (mode === 'forward') {
      const prefix = (chunk: Buffer) =>
        chunk
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => `[${name}] ${line}\n`)
          .join('');
      child.stdout?.on('data', (chunk: Buffer) => process.stdout.write(prefix(chunk)));
      child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(prefix(chunk)));
    } else {
      child.stderr?.on('data', (chunk: Buffer) => {
        this.kept = (this.kept + chunk.toString('utf8')).slice(-tailLength);
      });
      if (options.keepStdout) {
        const keep = options.keepStdout;
        let partial = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) if (keep.test(line)) this.stdoutLines.push(line);
        });
      } else {
        child.stdout?.resume();
      }
    }
    running.add(child);
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        running.delete(child);
        resolveExit({ code, signal, at: Date.now() });
      }),
    );
  }

  /** Starts the entry. Returns at once; wait for it with {@link waitForUrl}, {@link waitForOutput} or {@link waitForMessage}. */
  static start(options: ServiceProcessOptions): ServiceProcess {
    const loader = options.compiled ? [] : ['--import', 'tsx', '--conditions=source'];
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...loader, resolve(repoRoot, options.entry)], {
      cwd: repoRoot,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
      detached: options.detached ?? false,
    });
    if (child.pid === undefined) throw new Error(`could not start ${options.entry}`);
    return new ServiceProcess(options.name, child, options);
  }

  /** The process id of the process that serves. */
  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no process id: it failed to spawn`);
    return this.child.pid;
  }

  /** Whether the process has exited. */
  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** What it wrote: everything so far with `keep`, the end of its stderr with `tail`, nothing with `forward`. */
  output(): string {
    return this.kept;
  }

  /** The end of what it wrote, for error messages. */
  get stderr(): string {
    return this.kept.slice(-tailLength);
  }

  /** Resolves with the first match of `pattern` in its output (with `keep`), waiting up to `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    return new Promise((resolveMatch, reject) => {
      const check = () => {
        const match = pattern.exec(this.kept);
        if (!match) return;
        done();
        resolveMatch(match);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not write ${pattern} within ${timeoutMs} ms; its output:\n${this.kept}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /**
   * Polls `url` until it answers with a status `ready` accepts (any status by default: the port is
   * open), or fails after `timeoutMs` or when the process exits.
   */
  async waitForUrl(url: string, options: { timeoutMs?: number; ready?: (status: number) => boolean; init?: RequestInit } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const ready = options.ready ?? (() => true);
    for (;;) {
      if (this.hasExited) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${this.stderr}`);
      try {
        const response = await fetch(url, { ...options.init, signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (ready(response.status)) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer at ${url} within ${timeoutMs / 1000} s:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Resolves with the first IPC message for which `accept` returns true (with `ipc`). */
  waitForMessage<T>(accept: (message: unknown) => message is T, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolveMessage, reject) => {
      const onMessage = (message: unknown) => {
        if (!accept(message)) return;
        cleanup();
        resolveMessage(message);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) while waiting for it:\n${this.stderr}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} sent no answer within ${timeoutMs / 1000} s:\n${this.stderr}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  /** Sends an IPC message (with `ipc`). */
  send(message: unknown): void {
    this.child.send(message as object);
  }

  /** Sends a signal to the process itself (not to processes it forked), unless it has exited. */
  signal(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  /**
   * Stops the process with SIGTERM (services shut down gracefully, and `--cpu-prof` writes its profile),
   * and with SIGKILL if it is still running after `graceMs`.
   */
  async stop(graceMs = 15_000): Promise<ProcessExit> {
    if (!this.hasExited) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const exit = await this.exited;
      clearTimeout(timer);
      return exit;
    }
    return this.exited;
  }

  /** Kills it at once, with everything it started when it runs in a group of its own, unless gone. */
  async kill(): Promise<ProcessExit> {
    try {
      if (this.options.detached) process.kill(-this.pid, 'SIGKILL');
      else this.child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
    return this.exited;
  }
}
