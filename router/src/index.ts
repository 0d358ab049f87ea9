import { createLogger } from '@fedstack/server';
import { loadConfig } from './config';
import { runWorkers } from './cluster/runWorkers';
import { createRouterService } from './service';
import { applyV8Settings } from './v8Settings';

// Every worker of a cluster runs this file again; runWorkers tells the primary and the workers apart.
try {
  const config = loadConfig(process.env);
  applyV8Settings(config);
  runWorkers({
    workers: config.workers,
    restartPolicy: config.restartPolicy,
    logger: createLogger('router', config.common.logLevel),
    createService: ({ inCluster }) => createRouterService(config, { clusterMetrics: inCluster }),
    shutdownGraceMs: config.common.shutdownGraceMs,
  });
} catch (error) {
  process.stderr.write(`router failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
