import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * A service's Prometheus metrics, served at `GET /metrics`. One registry per service instance (not
 * prom-client's global one), so several services in one process (the tests) keep theirs apart.
 *
 * Every label value is bounded: operation names are checked and capped (see {@link operationLabel}),
 * outcomes, codes and subgraph names come from fixed sets, and no id or query text is ever a label.
 */
export interface Metrics {
  registry: Registry;
  /** GraphQL requests by operation name, type and outcome (`success`, `error`, `refused`). */
  requests: Counter<'operation' | 'type' | 'outcome'>;
  /** GraphQL request duration in seconds, by operation name and outcome. */
  requestDuration: Histogram<'operation' | 'outcome'>;
  /** GraphQL errors sent to clients, by code. */
  errors: Counter<'code'>;
}

/** Histogram buckets (seconds) for request and fetch durations: 5 ms to 10 s. */
export const durationBuckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Creates a service's registry with Node's default process metrics and the request metrics every
 * service has; the router and the subgraph kit add theirs to the same registry.
 */
export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({ name: 'graphql_requests_total', help: 'GraphQL requests by operation, type and outcome.', labelNames: ['operation', 'type', 'outcome'], registers }),
    requestDuration: new Histogram({
      name: 'graphql_request_duration_seconds',
      help: 'GraphQL request duration by operation and outcome.',
      labelNames: ['operation', 'outcome'],
      buckets: [...durationBuckets],
      registers,
    }),
    errors: new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors sent to clients, by code.', labelNames: ['code'], registers }),
  };
}

/** How many distinct operation names one service labels before the rest become `other`. */
const maxOperationNames = 100;

/**
 * Makes a client-chosen operation name safe as a label: a GraphQL name of at most 64 characters, one of
 * the first {@link maxOperationNames} seen; anything else is `other`, and no name is `anonymous`. Without
 * the cap, a client sending random names would grow the metrics without bound.
 */
export function operationLabel(seen: Set<string>, name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'other';
  if (seen.has(name)) return name;
  if (seen.size >= maxOperationNames) return 'other';
  seen.add(name);
  return name;
}

/**
 * Counts requests, their duration and their errors by code. `refused` is a request that failed before
 * execution (parse, validation, limits, authentication); `error` one that ran and returned errors.
 */
export function useRequestMetrics(metrics: Metrics): ApolloServerPlugin<BaseContext> {
  const seen = new Set<string>();
  // Made once, not per request (docs/performance.md, "Hooks made once"): what a request's hooks share
  // is kept by its request context, the one object Apollo Server hands each of them.
  const started = new WeakMap<object, bigint>();
  const executed = new WeakSet<object>();
  const hooks: GraphQLRequestListener<BaseContext> = {
    async executionDidStart(requestContext) {
      executed.add(requestContext);
    },
    async willSendResponse(requestContext) {
      const { response, operation, operationName } = requestContext;
      const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
      for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
      const outcome = !executed.has(requestContext) ? 'refused' : errors.length > 0 ? 'error' : 'success';
      const label = operationLabel(seen, operationName ?? operation?.name?.value);
      metrics.requests.inc({ operation: label, type: operation?.operation ?? 'unknown', outcome });
      const since = started.get(requestContext);
      if (since !== undefined) metrics.requestDuration.observe({ operation: label, outcome }, Number(process.hrtime.bigint() - since) / 1e9);
    },
  };
  return {
    async requestDidStart(requestContext) {
      started.set(requestContext, process.hrtime.bigint());
      return hooks;
    },
  };
}
