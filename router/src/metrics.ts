import { createMetrics, durationBuckets, type Metrics } from '@fedstack/server';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { PlanAdmission } from './inbound/admission/PlanAdmission';

/** The router's metrics: every service's, plus its subgraph calls, response cache and trusted documents. */
export interface RouterMetrics extends Metrics {
  /** Subgraph fetch duration in seconds, by subgraph and outcome. */
  subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  /** Subgraph fetch failures, by subgraph and reason (`timeout`, `unavailable`, `status_5xx`, `circuit_open`). */
  subgraphFetchErrors: Counter<'subgraph' | 'reason'>;
  /** Queries answered from the response cache (`hit`), asked fresh (`bypass`), or not (`miss`). */
  responseCache: Counter<'result'>;
  /**
   * Trusted-document requests by the manifest's operation name (`unknown` when the id is in no
   * manifest, `text` for operation text without an id) and outcome (see inbound/persisted).
   */
  persistedDocuments: Counter<'operation' | 'outcome'>;
  /** Queries that waited for an identical query in flight, to be answered with its answer (`DEDUPE_INBOUND_QUERIES`). */
  inboundDeduplicated: Counter;
  /** Subgraph requests that waited for an identical one in flight instead of being sent (`DEDUPE_SUBGRAPH_REQUESTS`), by subgraph. */
  subgraphDeduplicated: Counter<'subgraph'>;
}

/** Creates the router's registry (see `createMetrics`) with its own metrics. */
export function createRouterMetrics(): RouterMetrics {
  const metrics = createMetrics('router');
  const registers = [metrics.registry];
  return {
    ...metrics,
    subgraphFetchDuration: new Histogram({
      name: 'subgraph_fetch_duration_seconds',
      help: 'Router to subgraph fetch duration by subgraph and outcome.',
      labelNames: ['subgraph', 'outcome'],
      buckets: [...durationBuckets],
      registers,
    }),
    subgraphFetchErrors: new Counter({ name: 'subgraph_fetch_errors_total', help: 'Router to subgraph fetch failures by subgraph and reason.', labelNames: ['subgraph', 'reason'], registers }),
    persistedDocuments: new Counter({
      name: 'graphql_persisted_documents_total',
      help: 'Trusted-document requests by the manifest operation name and outcome.',
      labelNames: ['operation', 'outcome'],
      registers,
    }),
    responseCache: new Counter({ name: 'graphql_response_cache_total', help: 'Queries answered from the response cache (hit), asked fresh by the client (bypass), or not (miss).', labelNames: ['result'], registers }),
    inboundDeduplicated: new Counter({
      name: 'graphql_deduplicated_requests_total',
      help: 'Queries that waited for an identical query in flight, to take its answer instead of running again.',
      registers,
    }),
    subgraphDeduplicated: new Counter({
      name: 'subgraph_deduplicated_requests_total',
      help: 'Subgraph requests that shared an identical request in flight, instead of being sent, by subgraph.',
      labelNames: ['subgraph'],
      registers,
    }),
  };
}

/** Reports what {@link PlanAdmission} does at the door: requests let in and waiting, what they hold, whether the CPU is saturated. */
export function observePlanAdmission(metrics: Metrics, admission: PlanAdmission): void {
  const registers = [metrics.registry];
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  gauge('router_plans_running', 'GraphQL requests let in by admission and not yet answered in this process (their plans running).', () => admission.active);
  gauge('router_plans_waiting', 'GraphQL requests waiting at the door, their body read and nothing built from it, held back while the CPU is saturated.', () => admission.queued);
  gauge('router_plans_held_bytes', 'Subgraph answer bytes the requests let in are expected to hold (each weighed by what requests like it received last).', () => admission.heldBytes);
  gauge('router_cpu_saturated', 'Whether the event loop was found saturated (1) or not (0) by admission.', () => (admission.saturated ? 1 : 0));
}
