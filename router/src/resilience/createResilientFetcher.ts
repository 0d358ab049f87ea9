import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { codedError, ErrorCode } from '@fedstack/common';

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

type CircuitState = { kind: 'closed'; failures: number } | { kind: 'open'; until: number } | { kind: 'half-open' };

/**
 * Wraps a subgraph's fetch with a timeout per attempt, retries with exponential backoff and jitter for
 * queries only (a mutation may have taken effect before the connection broke: it is never sent twice),
 * a retry budget, and a circuit breaker: after `failureThreshold` failures in a row the subgraph is not
 * called for `openMs`, requests for it fail at once with `SUBGRAPH_UNAVAILABLE` (the rest of the answer
 * still comes from the other subgraphs), and then a single probe decides whether to close the circuit.
 *
 * A failure is a network error, a timeout, or a 5xx answer; a 4xx is the subgraph's considered answer
 * and passes through. Each attempt goes through `base` anew, so it is signed anew (fresh timestamp).
 */
export function createResilientFetcher(
  subgraph: string,
  options: ResilienceOptions,
  base: Fetcher,
  onFetch: (outcome: FetchOutcome, seconds: number) => void = () => {},
): Fetcher {
  let circuit: CircuitState = { kind: 'closed', failures: 0 };
  // The budget starts with a few tokens so a lone failure right after start-up can still be retried.
  let budget = 3;
  const maxBudget = 10;

  const unavailable = (reason: string) => codedError(ErrorCode.SUBGRAPH_UNAVAILABLE, `The ${subgraph} subgraph is unavailable: ${reason}.`, { serviceName: subgraph });
  const timedOut = () => codedError(ErrorCode.SUBGRAPH_TIMEOUT, `The ${subgraph} subgraph did not answer within ${options.timeoutMs} ms.`, { serviceName: subgraph });

  const succeed = () => {
    circuit = { kind: 'closed', failures: 0 };
  };
  const fail = () => {
    if (circuit.kind === 'half-open' || (circuit.kind === 'closed' && circuit.failures + 1 >= options.failureThreshold)) {
      circuit = { kind: 'open', until: Date.now() + options.openMs };
    } else if (circuit.kind === 'closed') {
      circuit = { kind: 'closed', failures: circuit.failures + 1 };
    }
  };

  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    if (circuit.kind === 'open') {
      if (Date.now() < circuit.until) {
        onFetch('circuit_open', 0);
        throw unavailable('it failed repeatedly, and is given a rest before the next try');
      }
      circuit = { kind: 'half-open' };
    } else if (circuit.kind === 'half-open') {
      // One probe is under way; the others do not pile onto a subgraph that may still be down.
      onFetch('circuit_open', 0);
      throw unavailable('it is being probed after repeated failures');
    }
    budget = Math.min(maxBudget, budget + options.retryBudget);
    const mutation = isMutationBody(init?.body);
    for (let attempt = 0; ; attempt++) {
      const started = process.hrtime.bigint();
      const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
      let failure: { outcome: FetchOutcome; error: Error };
      try {
        const response = await base(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
        if (response.status < 500) {
          succeed();
          onFetch('success', seconds());
          return response;
        }
        failure = { outcome: 'status_5xx', error: unavailable(`it answered HTTP ${response.status}`) };
      } catch (error) {
        // By name, not `instanceof Error`: the abort errors come from Node's own realm (a DOMException, or
        // node:http's AbortError), which is not the caller's where code runs in a vm context (jest).
        const name = (error as { name?: unknown } | null)?.name;
        const timeout = name === 'TimeoutError' || name === 'AbortError';
        failure = timeout ? { outcome: 'timeout', error: timedOut() } : { outcome: 'unavailable', error: unavailable(describe(error)) };
      }
      fail();
      onFetch(failure.outcome, seconds());
      const canRetry = !mutation && attempt < options.retries && circuit.kind === 'closed' && budget >= 1;
      if (!canRetry) throw failure.error;
      budget -= 1;
      const pause = options.backoffMs * 2 ** attempt * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
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
