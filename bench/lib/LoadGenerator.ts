import { type SeedOptions, ServiceProcess } from '@fedstack/devkit';
import type { ScenarioName } from './scenarios';

/** One load run: a scenario against a URL, closed-loop, for a fixed time. */
export interface LoadJob {
  url: string;
  scenario: ScenarioName;
  /** The data set's size, from which the load generator derives the same ids as the bench. */
  seed: SeedOptions;
  /** Extra request headers, e.g. `authorization`. */
  headers: Record<string, string>;
  /** Concurrent connections, each sending its next request when the previous one is answered. */
  connections: number;
  durationSeconds: number;
  /** A request not answered within this is counted as a timeout. */
  timeoutSeconds: number;
}

/** Latency percentiles, mean and maximum, in milliseconds. */
export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/** Summarises latencies (milliseconds, in any order). */
export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(latenciesMs).sort();
  const at = (p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    mean: round(sorted.length > 0 ? sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length : 0),
    max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : 0),
  };
}

/** What a load run measured. */
export interface LoadResult {
  /** Answered requests (any status). */
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  /** Milliseconds, over every answered request. */
  latencyMs: LatencySummary;
  /** Answers with a status other than 2xx. */
  non2xx: number;
  /** 2xx answers whose body holds GraphQL `errors` (every body is checked). */
  graphqlErrors: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  timeouts: number;
  /** Response bytes per request, on average. */
  bytesPerRequest: number;
}

export type LoadWorkerRequest = { type: 'run'; job: LoadJob };
export type LoadWorkerMessage = { type: 'ready' } | { type: 'result'; result: LoadResult; latenciesMs: number[] } | { type: 'failed'; message: string };

const isMessage = (message: unknown): message is LoadWorkerMessage => typeof message === 'object' && message !== null && 'type' in message;

/**
 * The load generator: autocannon in a process of its own (bench/services/loadWorker.ts), so that its
 * work is not the bench's and its CPU can be measured apart. One run at a time.
 */
export class LoadGenerator {
  private constructor(readonly process: ServiceProcess) {}

  /** Starts the worker process and waits until it can take jobs. */
  static async start(): Promise<LoadGenerator> {
    const worker = ServiceProcess.start({ ipc: true, name: 'load generator', entry: 'bench/services/loadWorker.ts', env: { ...process.env } });
    await worker.waitForMessage((message): message is LoadWorkerMessage => isMessage(message) && message.type === 'ready');
    return new LoadGenerator(worker);
  }

  /** Runs one job and resolves with what it measured, and every response's latency (to merge runs). */
  async run(job: LoadJob): Promise<{ result: LoadResult; latenciesMs: number[] }> {
    const answer = this.process.waitForMessage(
      (message): message is LoadWorkerMessage => isMessage(message) && (message.type === 'result' || message.type === 'failed'),
      (job.durationSeconds + job.timeoutSeconds + 30) * 1000,
    );
    this.process.send({ type: 'run', job } satisfies LoadWorkerRequest);
    const message = await answer;
    if (message.type === 'failed') throw new Error(`the load generator failed: ${message.message}`);
    if (message.type !== 'result') throw new Error(`unexpected message from the load generator: ${message.type}`);
    return { result: message.result, latenciesMs: message.latenciesMs };
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}
