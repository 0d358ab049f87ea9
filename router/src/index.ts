import { setFlagsFromString } from 'node:v8';
import { createLogger } from '@fedstack/server';
import { loadConfig } from './config';
import { runWorkers } from './cluster/runWorkers';
import { createRouterService } from './service';

// Every worker of a cluster runs this file again; runWorkers tells the primary and the workers apart.
try {
  const config = loadConfig(process.env);
  // Before any request: V8 reads the flag as it collects and compiles. See ROUTER_V8_PRETENURING in
  // docs/operations.md ("Request objects stay young").
  if (!config.v8Pretenuring) setFlagsFromString('--no-allocation-site-pretenuring');
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
