import { availableParallelism } from 'node:os';
import { ConfigError, readInt, readString, type Env } from '@fedstack/server';
import { defaultRestartPolicy, type RestartPolicy } from './planRestart';

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
  /**
   * When the primary stops restarting a worker that keeps dying: `ROUTER_WORKER_MAX_RESTARTS` (0 to
   * 1000, default 5) restarts of one worker within `ROUTER_WORKER_RESTART_WINDOW_S` (1 to 86,400,
   * default 60) seconds, and the next death gives up. Like systemd's `StartLimitBurst` and
   * `StartLimitIntervalSec`. The backoff between restarts is fixed (planRestart.ts).
   */
  restartPolicy: RestartPolicy;
}

/**
 * Reads `ROUTER_WORKERS` and the restart policy's two settings; throws a `ConfigError` naming it when the value is neither `auto` nor a whole
 * number from 1 to 64. `cpus` is for tests. The router's loadConfig reads them through this, as `workers` and `restartPolicy`.
 */
export function loadWorkerConfig(env: Env, cpus: number = availableParallelism()): WorkerConfig {
  const restartPolicy: RestartPolicy = {
    ...defaultRestartPolicy,
    maxRestarts: readInt(env, 'ROUTER_WORKER_MAX_RESTARTS', defaultRestartPolicy.maxRestarts, { min: 0, max: 1000 }),
    windowMs: readInt(env, 'ROUTER_WORKER_RESTART_WINDOW_S', defaultRestartPolicy.windowMs / 1000, { min: 1, max: 86_400 }) * 1000,
  };
  const raw = readString(env, 'ROUTER_WORKERS');
  if (raw?.toLowerCase() === 'auto') return { workers: Math.min(Math.max(cpus, 1), maxWorkers), restartPolicy };
  try {
    return { workers: readInt(env, 'ROUTER_WORKERS', 1, { min: 1, max: maxWorkers }), restartPolicy };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ConfigError(`ROUTER_WORKERS must be auto or a whole number from 1 to ${maxWorkers}, but got: ${JSON.stringify(raw)}`);
  }
}

