import { createMetrics, type Metrics } from '@fedstack/server';
import type { MongoClient } from 'mongodb';
import { Gauge, Histogram } from 'prom-client';

/** A subgraph's metrics: every service's, plus its batches and its database. */
export interface SubgraphMetrics extends Metrics {
  /** How many keys each DataLoader batch carried, by loader. */
  batchSize: Histogram<'loader'>;
  /** MongoDB command duration in seconds, by command and outcome. */
  mongoCommandDuration: Histogram<'command' | 'outcome'>;
  /** Connections in the driver's pool: `open` and `checked_out`. */
  mongoPool: Gauge<'state'>;
}

/** Creates a subgraph's registry (see `createMetrics`) with its batch and database metrics. */
export function createSubgraphMetrics(service: string): SubgraphMetrics {
  const metrics = createMetrics(service);
  const registers = [metrics.registry];
  return {
    ...metrics,
    batchSize: new Histogram({ name: 'dataloader_batch_size', help: 'Keys per DataLoader batch.', labelNames: ['loader'], buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500], registers }),
    mongoCommandDuration: new Histogram({
      name: 'mongodb_command_duration_seconds',
      help: 'MongoDB command duration by command and outcome.',
      labelNames: ['command', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    mongoPool: new Gauge({ name: 'mongodb_pool_connections', help: 'Connections in the MongoDB driver pool, by state.', labelNames: ['state'], registers }),
  };
}

const knownCommands = new Set(['find', 'aggregate', 'insert', 'update', 'delete', 'findAndModify', 'getMore', 'count', 'createIndexes', 'ping', 'hello', 'isMaster', 'killCursors', 'endSessions', 'listIndexes', 'dropDatabase']);

/** Feeds MongoDB command durations and pool sizes from the driver's monitoring events into `metrics`. */
export function watchMongo(client: MongoClient, metrics: SubgraphMetrics): void {
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
