import cluster from 'node:cluster';
import { runUntilSignalled, type Logger } from '@fedstack/server';
import type { RestartPolicy } from './planRestart';
import { serveAsWorker } from './serveAsWorker';
import { superviseWorkers } from './superviseWorkers';

/**
 * Runs the router as one process, or as a Node cluster: a primary that forks `workers` processes which
 * all listen on the one port, restarts a worker that dies, and shuts them all down gracefully on
 * SIGTERM or SIGINT.
 *
 * Why a cluster and not threads: the router's work (parsing, planning, merging subgraph answers) is
 * JavaScript on one event loop, so one process uses one core. Workers are whole processes sharing the
 * listening socket through the primary (round-robin on Linux), and one crashing takes only its own
 * in-flight requests down. The router keeps no state between requests, so any worker may answer any
 * request. See docs/operations.md.
 */

/** What runs in each worker: the router service, or anything with the same lifecycle. */
export interface WorkerService {
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** What a service built in a cluster's worker is told. */
export interface WorkerContext {
  /**
   * Set in a worker of a cluster: the service's `/metrics` should answer for every worker, through
   * `collectClusterMetrics` (clusterMetrics.ts). Unset when the service runs alone.
   */
  inCluster: boolean;
}

/** How to run the router's processes. */
export interface RunWorkersOptions {
  /** How many workers; 1 runs the service in this process, without a cluster. */
  workers: number;
  /** The primary's and each worker's log; worker lines carry `worker` and `pid`. */
  logger: Logger;
  /** Builds the service. Called once in each worker (or in this process with one worker), never in the primary. */
  createService: (worker: WorkerContext) => WorkerService;
  /**
   * How long a worker's `stop()` may let in-flight requests run (`SHUTDOWN_GRACE_MS`). The primary waits
   * this plus 5 s for the workers to exit before it kills them. Defaults to 10000.
   */
  shutdownGraceMs?: number;
  /** Defaults to `defaultRestartPolicy` (planRestart.ts). */
  restartPolicy?: RestartPolicy;
}

/**
 * Runs the router: in this process when `workers` is 1 (as every other service runs, through
 * `runUntilSignalled`), otherwise as the primary of a cluster of `workers` processes, or, in a process
 * the primary forked, as one of its workers. Call it from the entry point, which every worker runs again.
 *
 * @example
 *   runWorkers({ workers: 4, logger, createService: () => createRouterService(config) });
 */
export function runWorkers(options: RunWorkersOptions): void {
  if (cluster.isWorker) return serveAsWorker(options);
  if (options.workers <= 1) {
    void runUntilSignalled(options.createService({ inCluster: false }), options.logger);
    return;
  }
  superviseWorkers(options);
}
