import { availableParallelism } from 'node:os';
import { ConfigError, readInt, readString, type Env } from '@fedstack/server';

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

