import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { MongoClient } from 'mongodb';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  /** How many keys each DataLoader batch carried, by loader. */
  batchSize: Histogram<'loader'>;
  /** MongoDB command duration in seconds, by command and outcome. */
  mongoCommandDuration: Histogram<'command' | 'outcome'>;
  /** Connections in the driver's pool: `open` and `checked_out`. */
  mongoPool: Gauge<'state'>;
  /** Router only: subgraph fetch duration in seconds, by subgraph and outcome. */
  subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  /** Router only: subgraph fetch failures, by subgraph and reason (`timeout`, `unavailable`, `status_5xx`, `circuit_open`). */
  subgraphFetchErrors: Counter<'subgraph' | 'reason'>;
  /** Router only: queries answered from the response cache (`hit`), asked fresh (`bypass`), or not (`miss`). */
  responseCache: Counter<'result'>;
  /**
   * Router only: trusted-document requests by the manifest's operation name (`unknown` when the id is in
   * no manifest, `text` for operation text without an id) and outcome (see router/src/inbound/persisted).
   */
  persistedDocuments: Counter<'operation' | 'outcome'>;
}

/** Creates a service's registry with Node's default process metrics and the platform's own. */
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
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    errors: new Counter({ name: 'graphql_errors_total', help: 'GraphQL errors sent to clients, by code.', labelNames: ['code'], registers }),
    batchSize: new Histogram({ name: 'dataloader_batch_size', help: 'Keys per DataLoader batch.', labelNames: ['loader'], buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500], registers }),
    mongoCommandDuration: new Histogram({
      name: 'mongodb_command_duration_seconds',
      help: 'MongoDB command duration by command and outcome.',
      labelNames: ['command', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    mongoPool: new Gauge({ name: 'mongodb_pool_connections', help: 'Connections in the MongoDB driver pool, by state.', labelNames: ['state'], registers }),
    subgraphFetchDuration: new Histogram({
      name: 'subgraph_fetch_duration_seconds',
      help: 'Router to subgraph fetch duration by subgraph and outcome.',
      labelNames: ['subgraph', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
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
  };
}

const knownCommands = new Set(['find', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'getMore', 'count', 'createIndexes', 'ping', 'hello', 'isMaster', 'killCursors', 'endSessions', 'listIndexes', 'dropDatabase']);

/** Feeds MongoDB command durations and pool sizes from the driver's monitoring events into `metrics`. */
export function watchMongo(client: MongoClient, metrics: Metrics): void {
  const label = (name: string) => (knownCommands.has(name) ? name : 'other');
  client.on('commandSucceeded', (event) => metrics.mongoCommandDuration.observe({ command: label(event.commandName), outcome: 'success' }, event.duration / 1000));
  client.on('commandFailed', (event) => metrics.mongoCommandDuration.observe({ command: label(event.commandName), outcome: 'failure' }, event.duration / 1000));
  client.on('connectionCreated', () => metrics.mongoPool.inc({ state: 'open' }));
  client.on('connectionClosed', () => metrics.mongoPool.dec({ state: 'open' }));
  client.on('connectionCheckedOut', () => metrics.mongoPool.inc({ state: 'checked_out' }));
  client.on('connectionCheckedIn', () => metrics.mongoPool.dec({ state: 'checked_out' }));
  metrics.mongoPool.set({ state: 'open' }, 0);
  metrics.mongoPool.set({ state: 'checked_out' }, 0);
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
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response, operation, operationName }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
          const outcome = !executed ? 'refused' : errors.length > 0 ? 'error' : 'success';
          const label = operationLabel(seen, operationName ?? operation?.name?.value);
          metrics.requests.inc({ operation: label, type: operation?.operation ?? 'unknown', outcome });
          metrics.requestDuration.observe({ operation: label, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}
