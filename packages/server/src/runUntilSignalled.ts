import type { Logger } from './logger';

/**
 * Runs a service as a process: starts it, and on SIGINT or SIGTERM stops it and exits 0. A second
 * signal exits at once with 1, for an operator who does not want to wait.
 */
export async function runUntilSignalled(service: { start(): Promise<string>; stop(): Promise<void> }, logger: Logger): Promise<void> {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: shutting down`);
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await service.start();
  } catch (error) {
    logger.error('failed to start', error);
    process.exit(1);
  }
}
