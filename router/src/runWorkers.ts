import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ConfigError, readInt, readString, runUntilSignalled, type Env, type Logger, type Metrics } from '@fedstack/common';
import { AggregatorRegistry } from 'prom-client';

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

/** The most workers `ROUTER_WORKERS` may ask for. */
export const maxWorkers = 64;

/** How many router processes to run. */
export interface WorkerConfig {
  /**
   * `ROUTER_WORKERS`: the number of worker processes behind the router's one port, from 1 to 64, or
   * `auto` for one per CPU the process may run on (`os.availableParallelism()`, capped at 64). With 1
   * there is no cluster: the router runs in the process that was started. Defaults to 1.
   *
   * `auto` sees the CPUs of the machine (or the CPU set the process is pinned to), not a container's CPU
   * quota (`docker run --cpus`, Kubernetes limits): set a number there.
   */
  workers: number;
}

/**
 * Reads `ROUTER_WORKERS`; throws a `ConfigError` naming it when the value is neither `auto` nor a whole
 * number from 1 to 64. `cpus` is for tests. The router's loadConfig reads it through this, as `workers`.
 */
export function loadWorkerConfig(env: Env, cpus: number = availableParallelism()): WorkerConfig {
  const raw = readString(env, 'ROUTER_WORKERS');
  if (raw?.toLowerCase() === 'auto') return { workers: Math.min(Math.max(cpus, 1), maxWorkers) };
  try {
    return { workers: readInt(env, 'ROUTER_WORKERS', 1, { min: 1, max: maxWorkers }) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`ROUTER_WORKERS must be auto or a whole number from 1 to ${maxWorkers}, but got: ${JSON.stringify(raw)}`);
  }
}

/** When the primary restarts a worker that died, and when it stops trying. */
export interface RestartPolicy {
  /** The wait before restarting a worker that has not died lately. Defaults to 100 ms. */
  initialDelayMs: number;
  /** The wait doubles with each recent death, up to this. Defaults to 5000 ms. */
  maxDelayMs: number;
  /** How far back deaths count as recent. Defaults to 60000 ms. */
  windowMs: number;
  /**
   * The most restarts of one worker within `windowMs`; one more death gives up: the primary stops the
   * other workers and exits 1, so that the supervisor (Docker, systemd, Kubernetes) sees a failure
   * instead of a router that restarts forever. Defaults to 5.
   */
  maxRestarts: number;
}

/** The restart policy `runWorkers` uses unless told otherwise. */
export const defaultRestartPolicy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 5000, windowMs: 60_000, maxRestarts: 5 };

/** What to do about a worker that died: restart it after `delayMs`, or give up. */
export type RestartPlan = { action: 'restart'; delayMs: number; recentDeaths: number } | { action: 'give-up'; recentDeaths: number };

/**
 * Decides what to do after a worker's death, from the times (ms) it died at, the latest included:
 * restart with exponential backoff (`initialDelayMs`, doubling per recent death, capped at `maxDelayMs`),
 * or give up once it died more than `maxRestarts` times within `windowMs`.
 *
 * @example
 *   planRestart([1000], 1000, defaultRestartPolicy)             // { action: 'restart', delayMs: 100, recentDeaths: 1 }
 *   planRestart([0, 100, 300, 700, 1500, 3100], 3100, policy)  // { action: 'give-up', recentDeaths: 6 }
 */
export function planRestart(deathTimes: readonly number[], now: number, policy: RestartPolicy = defaultRestartPolicy): RestartPlan {
  const recentDeaths = deathTimes.filter((time) => now - time < policy.windowMs).length;
  if (recentDeaths > policy.maxRestarts) return { action: 'give-up', recentDeaths };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, recentDeaths - 1));
  return { action: 'restart', delayMs, recentDeaths };
}

/** What runs in each worker: the router service, or anything with the same lifecycle. */
export interface WorkerService {
  start(): Promise<string>;
  stop(): Promise<void>;
  /** Its metrics: in a cluster, `/metrics` answers for every worker (see serveAsWorker). */
  readonly metrics?: Metrics;
}

/** How to run the router's processes. */
export interface RunWorkersOptions {
  /** How many workers; 1 runs the service in this process, without a cluster. */
  workers: number;
  /** The primary's and each worker's log; worker lines carry `worker` and `pid`. */
  logger: Logger;
  /** Builds the service. Called once in each worker (or in this process with one worker), never in the primary. */
  createService: () => WorkerService;
  /**
   * How long a worker's `stop()` may let in-flight requests run (`SHUTDOWN_GRACE_MS`). The primary waits
   * this plus 5 s for the workers to exit before it kills them. Defaults to 10000.
   */
  shutdownGraceMs?: number;
  /** Defaults to {@link defaultRestartPolicy}. */
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
    void runUntilSignalled(options.createService(), options.logger);
    return;
  }
  superviseWorkers(options);
}

/** A worker asks the primary for the whole cluster's metrics with this; the reply carries `text`. */
const metricsRequest = 'fedstack:metrics';
const metricsReply = 'fedstack:metrics:reply';

/** The message the primary sends a worker to make it stop gracefully. */
const shutdownMessage = { type: 'fedstack:shutdown' } as const;

function isShutdownMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === shutdownMessage.type;
}

/** One of the `workers` places in the cluster, and its history of deaths, across restarts. */
interface Slot {
  index: number;
  worker: Worker | undefined;
  deathTimes: number[];
  restartTimer: NodeJS.Timeout | undefined;
}

/**
 * The primary: forks the workers, restarts the ones that die, and stops them on a signal. It serves
 * nothing itself.
 */
function superviseWorkers(options: RunWorkersOptions): void {
  const { logger } = options;
  const policy = options.restartPolicy ?? defaultRestartPolicy;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, index) => ({ index, worker: undefined, deathTimes: [], restartTimer: undefined }));
  const slotOf = new Map<Worker, Slot>();
  let shuttingDown = false;
  let exitCode = 0;
  let signals = 0;
  let backstop: NodeJS.Timeout | undefined;

  const live = () => slots.filter((slot) => slot.worker !== undefined).map((slot) => slot.worker as Worker);
  // Each worker counts its own requests; a scrape reaches one worker, which asks here for every
  // worker's metrics summed (prom-client's cluster aggregation), so Prometheus sees the router as one.
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (request?.type !== metricsRequest) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: metricsReply, id: request.id, text }),
      (error: unknown) => logger.warn('could not collect the cluster\'s metrics', error),
    );
  });

  const fork = (slot: Slot) => {
    slot.restartTimer = undefined;
    const worker = cluster.fork();
    slot.worker = worker;
    slotOf.set(worker, slot);
    worker.once('listening', (address) => {
      logger.info(`router worker ${worker.id} (pid ${worker.process.pid}) listening on port ${address.port}`);
    });
    // A send to a worker that is exiting fails with EPIPE; its exit is handled below.
    worker.on('error', (error) => logger.warn(`router worker ${worker.id} (pid ${worker.process.pid}):`, error));
  };

  const finish = () => {
    if (backstop) clearTimeout(backstop);
    logger.info(`every router worker has exited: exiting ${exitCode}`);
    process.exit(exitCode);
  };

  const shutDown = (code: number) => {
    exitCode = Math.max(exitCode, code);
    if (shuttingDown) return;
    shuttingDown = true;
    for (const slot of slots) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
    }
    const workers = live();
    if (workers.length === 0) return finish();
    for (const worker of workers) {
      // Why a message and not a signal: on a terminal's Ctrl-C the workers get SIGINT themselves (one
      // process group), and a signal from here on top would count as their second, "exit now", one.
      if (worker.isConnected()) worker.send(shutdownMessage);
    }
    // A worker whose stop() hangs past its grace period would keep the primary, and the port, forever.
    const waitMs = (options.shutdownGraceMs ?? 10_000) + 5000;
    backstop = setTimeout(() => {
      logger.error(`${live().length} router worker(s) still running ${waitMs} ms after shutdown began: killing them`);
      for (const worker of live()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, waitMs);
    backstop.unref();
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slotOf.get(worker);
    slotOf.delete(worker);
    if (!slot) return;
    slot.worker = undefined;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (shuttingDown) {
      if (code !== 0) exitCode = 1;
      logger.info(`router worker ${worker.id} (pid ${worker.process.pid}) exited (${how})`);
      if (live().length === 0) finish();
      return;
    }
    const now = Date.now();
    slot.deathTimes = [...slot.deathTimes.filter((time) => now - time < policy.windowMs), now];
    const plan = planRestart(slot.deathTimes, now, policy);
    if (plan.action === 'give-up') {
      logger.error(
        `router workers in slot ${slot.index + 1} of ${slots.length} died ${plan.recentDeaths} times within ${policy.windowMs / 1000} s ` +
          `(last: worker ${worker.id}, pid ${worker.process.pid}, ${how}): crash-looping, so giving up: ` +
          'stopping the other workers and exiting 1. The workers\' log lines above say why they died.',
      );
      shutDown(1);
      return;
    }
    logger.error(
      `router worker ${worker.id} (pid ${worker.process.pid}) died (${how}); starting another in ${plan.delayMs} ms ` +
        `(death ${plan.recentDeaths} in its slot within ${policy.windowMs / 1000} s; ${policy.maxRestarts + 1} give up)`,
    );
    slot.restartTimer = setTimeout(() => fork(slot), plan.delayMs);
  });

  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`${signal} again: killing ${live().length} router worker(s) and exiting now`);
      for (const worker of live()) worker.process.kill('SIGKILL');
      process.exit(1);
    }
    logger.info(`${signal}: shutting down ${live().length} router worker(s)`);
    shutDown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  logger.info(`starting ${options.workers} router workers (pid ${process.pid} is the primary)`);
  for (const slot of slots) fork(slot);
}

/**
 * A worker: runs the service until the primary asks it to stop, or until it gets SIGTERM or SIGINT
 * itself (a terminal's Ctrl-C reaches every process of the group), then stops gracefully and exits 0.
 * A second signal exits at once with 1; the primary's request after a signal, or a signal after the
 * primary's request, is the same shutdown, not a second one.
 */
function serveAsWorker(options: RunWorkersOptions): void {
  const logger = options.logger.child({ worker: cluster.worker?.id, pid: process.pid });
  const service = options.createService();
  const metrics = service.metrics;
  if (metrics) {
    // Answer the primary's collection with this worker's registry (constructing an AggregatorRegistry is
    // what makes prom-client listen for the primary's requests), and /metrics with the whole cluster's.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([metrics.registry]);
    const ownMetrics = metrics.collect;
    let nextId = 0;
    metrics.collect = () =>
      new Promise((resolve) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          process.off('message', onReply);
          resolve(ownMetrics());
        }, 5000);
        const onReply = (message: unknown) => {
          const reply = message as { type?: unknown; id?: unknown; text?: unknown } | null;
          if (reply?.type !== metricsReply || reply.id !== id || typeof reply.text !== 'string') return;
          clearTimeout(timer);
          process.off('message', onReply);
          resolve(reply.text);
        };
        process.on('message', onReply);
        process.send?.({ type: metricsRequest, id });
      });
  }
  const started = service.start();
  let stopping = false;
  let signals = 0;

  const stop = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${reason}: shutting down`);
    // Stopping a service that is still starting would race its listen(); let the start settle first.
    started
      .catch(() => undefined)
      .then(() => service.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('shutdown failed', error);
          process.exit(1);
        },
      );
  };

  process.on('message', (message: unknown) => {
    if (isShutdownMessage(message)) stop('the primary asked');
  });
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stop(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  started.catch((error: unknown) => {
    logger.error('failed to start', error);
    process.exit(1);
  });
}
