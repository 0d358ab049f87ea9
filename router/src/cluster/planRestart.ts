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

