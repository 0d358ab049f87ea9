import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** What {@link PlanAdmission} allows. */
export type PlanAdmissionOptions =
  /**
   * While the event loop is saturated, the running plans may hold at most `budgetBytes` of subgraph
   * answers between them (each weighed by what its operation received last time); one plan always
   * runs. While it is not, every plan starts at once (after a ramp, see {@link PlanAdmission.adjust}).
   */
  | { kind: 'adaptive'; budgetBytes: number }
  /** At most `plans` at once, however busy the process. */
  | { kind: 'fixed'; plans: number };

/** Event-loop utilisation at or above which the process counts as saturated. */
export const saturatedAt = 0.95;
/** Below this it has CPU to spare: what the running plans may hold doubles. */
export const spareBelow = 0.7;

/** One admission waiting, with its weight. */
interface Waiting {
  weight: number;
  start: () => void;
}

/**
 * How many requests, each running its query plan, are let in at once in this process: the controller
 * behind the router's door (createRequestAdmission.ts), with weights that the door supplies.
 *
 * A router whose CPU is saturated gains nothing from letting another request in: it only waits its
 * turn on the event loop, and everything it has been given (its request context, subgraph answers, the
 * response tree) waits with it. With 50 plans of 90 KB answers interleaved, that data outlives several
 * young-generation collections, is copied and promoted, and the garbage collector takes a fifth of the
 * CPU (docs/performance.md, "Plans admitted while the CPU is saturated" and "Requests held at the
 * door"). Held back at the door, the same requests wait as a body each, and each one let in runs to its
 * end in a few turns of the loop.
 *
 * What counts is the data, not the number of requests: a hundred of 2 KB each cost the collector less
 * than three of 300 KB. So `adaptive` admission weighs each by the subgraph answer bytes that requests
 * like it received last. Once a sample finds the event loop saturated (utilisation ≥
 * {@link saturatedAt}), it lets one in only when the weights of those inside stay within the budget;
 * one always goes in. Each sample with time to spare (below {@link spareBelow}) doubles what they may
 * hold, until there is no limit again. Requests that wait on slow subgraphs leave the event loop idle,
 * so a router bound by its database is never saturated and never holds one back. Waiting requests go
 * in in arrival order.
 */
export class PlanAdmission {
  private running = 0;
  private held = 0;
  /** What the running plans may hold: the budget while saturated, doubling per spare sample back to no limit. */
  private allowance = Infinity;
  /** Admissions waiting, oldest first; `head` is the index of the oldest (a queue without shifting). */
  private waiting: Waiting[] = [];
  private head = 0;

  constructor(private readonly options: PlanAdmissionOptions) {
    const bound = options.kind === 'adaptive' ? options.budgetBytes : options.plans;
    if (!(Number.isSafeInteger(bound) && bound >= 1)) throw new Error(`PlanAdmission needs a whole number of at least 1, but got ${bound}.`);
  }

  /** Plans running now. */
  get active(): number {
    return this.running;
  }

  /** Plans waiting to start. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** The weights of the plans running now (adaptive: subgraph answer bytes, as estimated). */
  get heldBytes(): number {
    return this.held;
  }

  /** Whether plans are held back by the budget now: the event loop was saturated and has not had time to spare since. */
  get saturated(): boolean {
    return this.allowance !== Infinity;
  }

  /**
   * Takes a slot for a plan of `weight` (the subgraph answer bytes its operation received last time, 0
   * when unknown): `undefined` when it may start now (no promise, no turn of the event loop), else a
   * promise that resolves when it may. Every admission is followed by one {@link release} of the same weight.
   */
  admit(weight: number): Promise<void> | undefined {
    if (this.queued === 0 && this.fits(weight)) {
      this.running++;
      this.held += weight;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.waiting.push({ weight, start: resolve });
    });
  }

  /** Gives a slot back and starts what now fits. */
  release(weight: number): void {
    this.running--;
    this.held -= weight;
    this.drain();
  }

  /**
   * Takes one sample of event-loop utilisation (0 to 1): saturated, the running plans may hold the
   * budget; with time to spare, twice what they could hold (no limit past 1024 budgets); in between,
   * no change. Doubling rather than lifting the limit at once keeps a short lull from starting every
   * waiting plan together, which would bring back what admission avoids.
   */
  adjust(utilization: number): void {
    if (this.options.kind !== 'adaptive') return;
    const budget = this.options.budgetBytes;
    if (utilization >= saturatedAt) {
      this.allowance = budget;
    } else if (utilization < spareBelow && this.allowance !== Infinity) {
      this.allowance = this.allowance >= budget * 1024 ? Infinity : this.allowance * 2;
      this.drain();
    }
  }

  /**
   * Samples this process's event-loop utilisation every `intervalMs` (adaptive only). The timer does
   * not keep the process alive; the returned function stops it.
   */
  start(intervalMs = 100): () => void {
    if (this.options.kind !== 'adaptive') return () => {};
    let last: EventLoopUtilization = performance.eventLoopUtilization();
    const timer = setInterval(() => {
      const now = performance.eventLoopUtilization();
      this.adjust(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private fits(weight: number): boolean {
    if (this.running === 0) return true;
    if (this.options.kind === 'fixed') return this.running < this.options.plans;
    return this.held + weight <= this.allowance;
  }

  private drain(): void {
    while (this.queued > 0) {
      const next = this.waiting[this.head]!;
      if (!this.fits(next.weight)) break;
      this.head++;
      this.running++;
      this.held += next.weight;
      next.start();
    }
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
  }
}
