import cluster, { type Worker } from 'node:cluster';
import { answerMetricsRequests } from './clusterMetrics';
import { shutdownMessage } from './clusterMessages';
import { defaultRestartPolicy, planRestart } from './planRestart';
import type { RunWorkersOptions } from './runWorkers';

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
export function superviseWorkers(options: RunWorkersOptions): void {
  const { logger } = options;
  const policy = options.restartPolicy ?? defaultRestartPolicy;
  const slots: Slot[] = Array.from({ length: options.workers }, (_, index) => ({ index, worker: undefined, deathTimes: [], restartTimer: undefined }));
  const slotOf = new Map<Worker, Slot>();
  let shuttingDown = false;
  let exitCode = 0;
  let signals = 0;
  let backstop: NodeJS.Timeout | undefined;

  const live = () => slots.filter((slot) => slot.worker !== undefined).map((slot) => slot.worker as Worker);
  answerMetricsRequests(logger);

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
