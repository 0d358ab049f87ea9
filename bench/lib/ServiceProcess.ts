import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '@fedstack/devkit';

/** Every process the bench started and that has not exited: what {@link killAll} ends if the bench must stop at once. */
const running = new Set<ChildProcess>();

/** Extra processes to end with the bench's own (the embedded database). */
const extraPids = new Set<number>();

/** Also end `pid` in {@link killAll}. */
export function registerProcess(pid: number): void {
  extraPids.add(pid);
}

/** Ends, with SIGKILL, every process the bench started: for a deadline or a crash, when a graceful stop cannot be awaited. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of extraPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** How to start one TypeScript entry as a process of its own. */
export interface ProcessOptions {
  /** A name for messages, e.g. `router` or `users`. */
  name: string;
  /** The entry, relative to the repository root, e.g. `router/src/index.ts`. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** More flags for node, before the entry, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
  /** Keep the lines of stdout that match this (e.g. `--trace-gc`'s full collections); the rest is drained. */
  keepStdout?: RegExp;
}

/**
 * A service started as a child process with `node --import tsx --conditions=source <entry>`: one
 * process, not tsx's CLI (which runs the program in a grandchild), so `pid` is the process that serves,
 * whose CPU and memory the benchmark samples. It has an IPC channel; the bench's own entries use it to
 * say they are listening and to answer questions (commands counted), the project's entries ignore it.
 */
export class ServiceProcess {
  private stderrTail = '';
  private readonly exited: Promise<void>;
  /** The stdout lines `keepStdout` matched, in order. */
  readonly stdoutLines: string[] = [];

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    keepStdout?: RegExp,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4000);
    });
    // Services log to stderr; stdout is drained so a chatty one never blocks on a full pipe.
    if (keepStdout) {
      let partial = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (keepStdout.test(line)) this.stdoutLines.push(line);
      });
    } else {
      child.stdout?.resume();
    }
    running.add(child);
    this.exited = new Promise((resolveExit) =>
      child.once('exit', () => {
        running.delete(child);
        resolveExit();
      }),
    );
  }

  /** Starts the entry. Resolves at once; wait for it with {@link waitForUrl} or {@link waitForMessage}. */
  static start(options: ProcessOptions): ServiceProcess {
    const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--conditions=source', '--import', 'tsx', resolve(repoRoot, options.entry)], {
      cwd: repoRoot,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    return new ServiceProcess(options.name, child, options.keepStdout);
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

  /** The last lines the process wrote to stderr, for error messages. */
  get stderr(): string {
    return this.stderrTail;
  }

  /**
   * Polls `url` until it answers with a status `ready` accepts (any status by default: the port is
   * open), or fails after `timeoutMs` or when the process exits.
   */
  async waitForUrl(url: string, options: { timeoutMs?: number; ready?: (status: number) => boolean; init?: RequestInit } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const ready = options.ready ?? (() => true);
    for (;;) {
      if (this.hasExited) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before it was ready:\n${this.stderrTail}`);
      try {
        const response = await fetch(url, { ...options.init, signal: AbortSignal.timeout(5000) });
        await response.arrayBuffer();
        if (ready(response.status)) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer at ${url} within ${(options.timeoutMs ?? 60_000) / 1000} s:\n${this.stderrTail}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Resolves with the first IPC message for which `accept` returns true. */
  waitForMessage<T>(accept: (message: unknown) => message is T, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolveMessage, reject) => {
      const onMessage = (message: unknown) => {
        if (!accept(message)) return;
        cleanup();
        resolveMessage(message);
      };
      const onExit = () => {
        cleanup();
        reject(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) while the bench waited for it:\n${this.stderrTail}`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${this.name} sent no answer within ${timeoutMs / 1000} s:\n${this.stderrTail}`));
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

  /** Sends an IPC message. */
  send(message: unknown): void {
    this.child.send(message as object);
  }

  /**
   * Stops the process with SIGTERM (the services then shut down gracefully, and `--cpu-prof` writes its
   * profile), and with SIGKILL if it is still running after `graceMs`.
   */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
