import cluster from 'node:cluster';
import type { Logger } from '@fedstack/server';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { metricsReply, metricsRequest } from './clusterMessages';

/**
 * In the primary: answers a worker's request for the whole cluster's metrics. Each worker counts its
 * own requests; a scrape reaches one worker, which asks here for every worker's metrics summed
 * (prom-client's cluster aggregation), so Prometheus sees the router as one.
 */
export function answerMetricsRequests(logger: Logger): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: unknown) => {
    const request = message as { type?: unknown; id?: unknown } | null;
    if (request?.type !== metricsRequest) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: metricsReply, id: request.id, text }),
      (error: unknown) => logger.warn("could not collect the cluster's metrics", error),
    );
  });
}

/**
 * In a worker: what its `/metrics` answers, the whole cluster's metrics, asked of the primary. Also
 * lets the primary collect this worker's `registry` (constructing an AggregatorRegistry is what makes
 * prom-client listen for the primary's requests). Falls back to this worker's own metrics when the
 * primary does not answer within 5 s.
 */
export function collectClusterMetrics(registry: Registry): () => Promise<string> {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  return () =>
    new Promise((resolve) => {
      const id = ++nextId;
      const timer = setTimeout(() => {
        process.off('message', onReply);
        resolve(registry.metrics());
      }, 5000);
      const onReply = (message: unknown) => {
        const reply = message as { type?: unknown; id?: unknown; text?: unknown } | null;
        if (reply?.type !== metricsReply || reply.id !== id || typeof reply.text !== 'string') return;
        clearTimeout(timer);
        process.off('message', onReply);
        resolve(reply.text);
      };
      process.on('message', onReply);
      process.send?.({ type: metricsRequest, id });
    });
}
