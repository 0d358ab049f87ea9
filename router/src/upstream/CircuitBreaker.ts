/** When a circuit opens and how long it stays open. */
export interface CircuitBreakerOptions {
  /** Failures in a row that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before one probe goes through. */
  openMs: number;
  /** Called when the circuit opens (the Redis cache drops its connection then). */
  onOpen?: () => void;
  /** The clock, in milliseconds; tests pass their own. Defaults to `Date.now`. */
  now?: () => number;
}

/** What the breaker says about one call: go ahead, go ahead as the one probe, or refuse it now. */
export type CircuitDecision = 'pass' | 'probe' | 'refuse';

type State = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open' };

/**
 * A circuit breaker for one dependency (a subgraph, the Redis cache): after `failureThreshold` failures
 * in a row it opens, and calls are refused at once for `openMs` instead of piling onto something that
 * is down; then a single call goes through as a probe, and its outcome closes the circuit or opens it
 * again. Failures reported while it is open (calls that were already under way) change nothing.
 *
 * @example
 *   const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 5000 });
 *   if (breaker.decide() === 'refuse') throw unavailable();
 *   try { const answer = await call(); breaker.succeed(); return answer; } catch (error) { breaker.fail(); throw error; }
 */
export class CircuitBreaker {
  private state: State = { kind: 'closed', failures: 0 };
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  /** Whether the circuit refuses calls right now (open, or half-open with its probe under way). */
  get isOpen(): boolean {
    return this.state.kind !== 'closed';
  }

  /** True while a probe is under way (the circuit is half-open). */
  get probing(): boolean {
    return this.state.kind === 'half-open';
  }

  /**
   * Asks whether a call may go now. The first call after an open period is the probe; until it
   * reports back, every other call is refused.
   */
  decide(): CircuitDecision {
    if (this.state.kind === 'closed') return 'pass';
    if (this.state.kind === 'open' && this.now() >= this.state.until) {
      this.state = { kind: 'half-open' };
      return 'probe';
    }
    return 'refuse';
  }

  /** A call succeeded: the circuit closes and the count of failures starts again. */
  succeed(): void {
    this.state = { kind: 'closed', failures: 0 };
  }

  /**
   * The probe ended with no verdict on the dependency (its caller gave up): the next call probes
   * instead, at once.
   */
  abandonProbe(): void {
    if (this.state.kind === 'half-open') this.state = { kind: 'open', until: this.now() };
  }

  /** A call failed: the probe's failure, or the `failureThreshold`-th in a row, opens the circuit. */
  fail(): void {
    if (this.state.kind === 'open') return;
    if (this.state.kind === 'half-open' || this.state.failures + 1 >= this.options.failureThreshold) {
      this.state = { kind: 'open', until: this.now() + this.options.openMs };
      this.options.onOpen?.();
      return;
    }
    this.state = { kind: 'closed', failures: this.state.failures + 1 };
  }
}
