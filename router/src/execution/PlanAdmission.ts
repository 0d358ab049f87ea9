import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** The bounds of {@link PlanAdmission}'s limit. */
export interface PlanAdmissionOptions {
  /** The fewest plans it lets run at once, however busy the process. */
  min: number;
  /** The most; also where the limit starts, so that a router that is not busy is never held back. */
  max: number;
}

/** Event-loop utilisation at or above which the process counts as saturated: the limit comes down. */
export const saturated = 0.95;
/** Below this, the process has CPU to spare: the limit goes up (fast while plans are waiting). */
export const spare = 0.85;

/**
 * How many query plans run at once in this process, set by how busy its CPU is.
 *
 * A router whose CPU is saturated gains nothing from starting another plan: the plan only waits its
 * turn on the event loop, and everything it has received (subgraph answers, the response tree) waits
 * with it. With 50 plans of 90 KB answers interleaved, that data outlives several young-generation
 * collections, is copied and promoted, and the garbage collector takes a fifth of the CPU
 * (docs/performance.md, "Plans admitted by how busy the CPU is"). Held back before their plan starts,
 * the same requests wait as a request body and a parsed document, and each admitted plan runs to its
 * end in a few turns of the loop.
 *
 * The limit is driven by event-loop utilisation, sampled by {@link PlanAdmission.start} (or given to
 * {@link PlanAdmission.adjust} directly, as the unit tests do):
 * - saturated (≥ {@link saturated}): the limit comes down to three quarters of the plans running, never
 *   below `min`;
 * - spare CPU (< {@link spare}): it goes up by a quarter while plans are waiting, and back towards
 *   `max` (doubling) when none are.
 * Plans that wait on slow subgraphs leave the event loop idle, so they raise the limit rather than
 * lower it: a router bound by its database is not held back. Waiting plans are admitted in arrival
 * order; releasing a slot admits the next one at once.
 */
export class PlanAdmission {
  private currentLimit: number;
  private running = 0;
  /** Admissions waiting, oldest first; `head` is the index of the oldest (a queue without shifting). */
  private waiting: Array<() => void> = [];
  private head = 0;

  constructor(private readonly options: PlanAdmissionOptions) {
    if (!(Number.isSafeInteger(options.min) && options.min >= 1 && Number.isSafeInteger(options.max) && options.max >= options.min)) {
      throw new Error(`PlanAdmission needs whole numbers 1 ≤ min ≤ max, but got min ${options.min} and max ${options.max}.`);
    }
    this.currentLimit = options.max;
  }

  /** How many plans may run at once now. */
  get limit(): number {
    return this.currentLimit;
  }

  /** Plans running now. */
  get active(): number {
    return this.running;
  }

  /** Plans waiting to start. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Takes a slot: `undefined` when one is free now (no promise, no turn of the event loop), else a
   * promise that resolves when the plan may start. Every admission is followed by one {@link release}.
   */
  admit(): Promise<void> | undefined {
    if (this.running < this.currentLimit && this.queued === 0) {
      this.running++;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
    });
  }

  /** Gives a slot back and starts what the limit now allows. */
  release(): void {
    this.running--;
    this.drain();
  }

  /** Moves the limit by one sample of event-loop utilisation (0 to 1). */
  adjust(utilization: number): void {
    const { min, max } = this.options;
    if (utilization >= saturated) {
      this.currentLimit = Math.max(min, Math.floor(Math.min(this.currentLimit, Math.max(this.running, min)) * 0.75));
    } else if (utilization < spare) {
      this.currentLimit = this.queued > 0 ? Math.min(max, this.currentLimit + Math.max(1, Math.floor(this.currentLimit / 4))) : Math.min(max, this.currentLimit * 2);
      this.drain();
    }
  }

  /**
   * Samples this process's event-loop utilisation every `intervalMs` and adjusts the limit by it. The
   * timer does not keep the process alive; the returned function stops it.
   */
  start(intervalMs = 100): () => void {
    let last: EventLoopUtilization = performance.eventLoopUtilization();
    const timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.adjust(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private drain(): void {
    while (this.running < this.currentLimit && this.queued > 0) {
      const next = this.waiting[this.head]!;
      this.head++;
      this.running++;
      next();
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}
