import cluster from 'node:cluster';
import { isShutdownMessage } from './clusterMessages';
import type { RunWorkersOptions } from './runWorkers';

/**
 * A worker: runs the service until the primary asks it to stop, or until it gets SIGTERM or SIGINT
 * itself (a terminal's Ctrl-C reaches every process of the group), then stops gracefully and exits 0.
 * A second signal exits at once with 1; the primary's request after a signal, or a signal after the
 * primary's request, is the same shutdown, not a second one.
 */
export function serveAsWorker(options: RunWorkersOptions): void {
  const logger = options.logger.child({ worker: cluster.worker?.id, pid: process.pid });
  const service = options.createService({ inCluster: true });
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
