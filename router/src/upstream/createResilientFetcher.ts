import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { codedError, ErrorCode } from '@fedstack/server';
import { CircuitBreaker } from './CircuitBreaker';

/** How the router waits for, retries and gives up on one subgraph. */
export interface ResilienceOptions {
  /** `SUBGRAPH_TIMEOUT_MS` (or `SUBGRAPH_<NAME>_TIMEOUT_MS`): the most one attempt may take. Defaults to 10000. */
  timeoutMs: number;
  /** `SUBGRAPH_RETRIES`: extra attempts for a query that failed (never for a mutation). Defaults to 2. */
  retries: number;
  /** `SUBGRAPH_RETRY_BACKOFF_MS`: the first pause between attempts, doubled each time, with jitter. Defaults to 50. */
  backoffMs: number;
  /**
   * `SUBGRAPH_RETRY_BUDGET`: retries allowed per request sent, over time (0.1: one retry per ten
   * requests), so that retries cannot multiply the load on a subgraph that is already struggling.
   * Defaults to 0.1.
   */
  retryBudget: number;
  /** `CIRCUIT_FAILURE_THRESHOLD`: failures in a row that open the circuit. Defaults to 5. */
  failureThreshold: number;
  /** `CIRCUIT_OPEN_MS`: how long an open circuit fails requests at once before one probe goes through. Defaults to 5000. */
  openMs: number;
}

/** What one fetch came to, for metrics. */
export type FetchOutcome = 'success' | 'timeout' | 'unavailable' | 'status_5xx' | 'circuit_open';

/**
 * Wraps a subgraph's fetch with a timeout per attempt, retries with exponential backoff and jitter for
 * queries only (a mutation may have taken effect before the connection broke: it is never sent twice),
 * a retry budget, and a {@link CircuitBreaker}: after `failureThreshold` failures in a row the subgraph
 * is not called for `openMs`, requests for it fail at once with `SUBGRAPH_UNAVAILABLE` (the rest of the
 * answer still comes from the other subgraphs), and then a single probe decides whether to close it.
 *
 * A failure is a network error, a timeout, or a 5xx answer; a 4xx is the subgraph's considered answer
 * and passes through. A 429 (too many requests) or 503 is retried after the subgraph's `Retry-After`
 * when it gives one (a query, within the budget, and only if that wait fits in `timeoutMs`); a 429 does
 * not count against the circuit, and when it cannot be retried it passes through. The caller's abort
 * signal is merged with each attempt's timeout: a caller that gives up stops the attempt, which is
 * neither retried nor counted as the subgraph's failure. Each attempt goes through `base` anew, so it is
 * signed anew (fresh timestamp).
 */
export function createResilientFetcher(
  subgraph: string,
  options: ResilienceOptions,
  base: Fetcher,
  onFetch: (outcome: FetchOutcome, seconds: number) => void = () => {},
): Fetcher {
  const circuit = new CircuitBreaker({ failureThreshold: options.failureThreshold, openMs: options.openMs });
  // The budget starts with a few tokens so a lone failure right after start-up can still be retried.
  let budget = 3;
  const maxBudget = 10;

  const unavailable = (reason: string) => codedError(ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable: ${reason}.`, { serviceName: subgraph });
  const timedOut = () => codedError(ErrorCode.SUBGRAPH_TIMEOUT, `The ${subgraph} subgraph did not answer within ${options.timeoutMs} ms.`, { serviceName: subgraph });

  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const decision = circuit.decide();
    if (decision === 'refuse') {
      onFetch('circuit_open', 0);
      // One probe may be under way; the others do not pile onto a subgraph that may still be down.
      throw unavailable(circuit.probing ? 'it is being probed after repeated failures' : 'it failed repeatedly, and is given a rest before the next try');
    }
    budget = Math.min(maxBudget, budget + options.retryBudget);
    const mutation = isMutationBody(init?.body);
    const callerSignal = init?.signal as AbortSignal | undefined;
    for (let attempt = 0; ; attempt++) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      const deadline = new AttemptDeadline(options.timeoutMs, callerSignal);
      let failure: { outcome: FetchOutcome; error: Error; retryAfter?: string | null; counts: boolean };
      let response: FetcherResponse | undefined;
      try {
        try {
          response = await base(url, { ...init, signal: deadline });
        } finally {
          deadline.done();
        }
        // It answered: a 429 too says the subgraph is up, only busy.
        if (response.status < 500) circuit.succeed();
        if (response.status < 500 && response.status !== 429) {
          onFetch('success', seconds());
          return response;
        }
        failure = {
          outcome: 'status_5xx',
          error: unavailable(`it answered HTTP ${response.status}`),
          retryAfter: response.headers.get('retry-after'),
          // Too many requests is the subgraph pacing its callers, not failing.
          counts: response.status !== 429,
        };
      } catch (error) {
        // The caller gave up (its client went away, its own deadline): not the subgraph's failure.
        if (callerSignal?.aborted) {
          circuit.abandonProbe();
          throw callerSignal.reason ?? error;
        }
        // By name, not `instanceof Error`: the abort errors come from Node's own realm (a DOMException, or
        // node:http's AbortError), which is not the caller's where code runs in a vm context (jest).
        const name = (error as { name?: unknown } | null)?.name;
        const timedOutNow = name === 'TimeoutError' || name === 'AbortError';
        failure = timedOutNow ? { outcome: 'timeout', error: timedOut(), counts: true } : { outcome: 'unavailable', error: unavailable(describe(error)), counts: true };
      }
      if (failure.counts) {
        circuit.fail();
        onFetch(failure.outcome, seconds());
      }
      const pause = retryDelayMs(attempt, options.backoffMs, failure.retryAfter ?? null, options.timeoutMs);
      const canRetry = !mutation && attempt < options.retries && !circuit.isOpen && budget >= 1 && pause !== undefined;
      if (!canRetry) {
        if (response?.status === 429) return response;
        throw failure.error;
      }
      budget -= 1;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
}

/** An `abort` listener, as an EventTarget takes one: a function, or an object with `handleEvent`. */
type AbortListener = ((event: Event) => void) | { handleEvent(event: Event): void };

/**
 * One attempt's deadline, given to the fetcher below as its `signal`: aborted with a `TimeoutError`
 * (as `AbortSignal.timeout` would) after `ms`, or with the caller's reason when the caller's signal
 * aborts; `done()` clears the timer and the caller's listener once the attempt has settled.
 *
 * Why not an `AbortController`: its signal is a whole `EventTarget` (a map of listener lists, a
 * prototype set on each one, a listener object per listener), made and torn down on every subgraph
 * call, for the one listener a call adds. What reads the signal below only reads `aborted` and `reason`
 * and adds and removes `abort` listeners: the pool fetcher, and node:http for createHttpFetcher (which
 * takes any object with an `aborted` property, as Node checks a signal). Why not `AbortSignal.timeout`
 * and `AbortSignal.any` either: Node registers each such signal for finalization and keeps its timer
 * until it fires.
 *
 * It is not an `AbortSignal` (`instanceof` is false): do not hand it to what checks that, such as
 * `AbortSignal.any`, global `fetch` or undici's `request`. Listeners run in the order added, each once;
 * unlike an EventTarget, one removed by another during the abort still runs, and one that throws stops
 * the rest (the fetchers' listeners do neither).
 */
export class AttemptDeadline {
  aborted = false;
  reason: unknown = undefined;
  /** Usually one (the fetcher's), and none once aborted or settled. */
  private listeners: AbortListener[] | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(
    ms: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => this.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
    // Like AbortSignal.timeout's, the timer alone does not keep the process alive.
    this.timer.unref();
    if (caller?.aborted) {
      this.abort(caller.reason);
    } else if (caller) {
      this.onCallerAbort = () => this.abort(caller.reason);
      caller.addEventListener('abort', this.onCallerAbort, { once: true });
    }
  }

  /** Adds an `abort` listener, called once if the deadline passes or the caller aborts, as an AbortSignal's. */
  addEventListener(type: string, listener: AbortListener | null): void {
    if (type !== 'abort' || !listener || this.aborted) return;
    if (!this.listeners) this.listeners = [listener];
    else if (!this.listeners.includes(listener)) this.listeners.push(listener);
  }

  removeEventListener(type: string, listener: AbortListener | null): void {
    if (type !== 'abort' || !listener || !this.listeners) return;
    const index = this.listeners.indexOf(listener);
    if (index !== -1) this.listeners.splice(index, 1);
  }

  /** Throws the reason once aborted, as `AbortSignal.throwIfAborted`. */
  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** The attempt has settled: no timeout, no caller's abort, will follow. */
  done(): void {
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller!.removeEventListener('abort', this.onCallerAbort);
    this.listeners = undefined;
  }

  private abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    clearTimeout(this.timer);
    if (this.onCallerAbort) this.caller!.removeEventListener('abort', this.onCallerAbort);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (!listeners) return;
    const event = new Event('abort');
    for (const listener of listeners) {
      if (typeof listener === 'function') listener.call(this, event);
      else listener.handleEvent(event);
    }
  }
}

/**
 * How long to wait before retry number `attempt + 1`: the subgraph's `Retry-After` when it gave one (in
 * seconds, or an HTTP date), otherwise `backoffMs` doubled per attempt with jitter (0.5–1.5×). Undefined
 * when `Retry-After` asks for a longer wait than `maxMs`: not worth retrying within one request.
 *
 * @example retryDelayMs(0, 50, '2', 10_000) === 2000
 */
export function retryDelayMs(attempt: number, backoffMs: number, retryAfter: string | null, maxMs: number, random: () => number = Math.random): number | undefined {
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isNaN(ms)) return backoffMs * 2 ** attempt * (0.5 + random());
    return ms > maxMs ? undefined : Math.max(0, ms);
  }
  return backoffMs * 2 ** attempt * (0.5 + random());
}

/** The gateway sends each subgraph operation as `{"query":"mutation …"}` or `"query …"` / `"{ …"`. */
export function isMutationBody(body: string | Buffer | undefined): boolean {
  if (body === undefined) return false;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  return /"query"\s*:\s*"\s*mutation\b/.test(text);
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}
