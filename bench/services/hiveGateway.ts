/**
 * The Guild's Hive Gateway (`@graphql-hive/gateway-runtime` with `@graphql-mesh/transport-http`) over the
 * same supergraph and subgraphs as our router, on node:http. `HIVE_DEDUP` chooses its in-flight
 * deduplication:
 *
 * - `default`: its defaults: identical concurrent subgraph requests (queries) share one fetch
 *   (`deduplicateInflightRequests`, on unless turned off); identical inbound requests are not shared.
 * - `all`: the defaults plus inbound deduplication (`inboundInflightRequestDeduplication`): identical
 *   concurrent client requests (same headers, document and variables) share one execution.
 * - `off`: neither.
 *
 * Like stock Apollo Gateway, it verifies no token; an `onFetch` hook signs each subgraph request for the
 * benchmark's identity (see signing.ts), and leaves Hive's own fetch to send it.
 *
 * Settings: PORT, HIVE_DEDUP, SUPERGRAPH_PATH, SUBGRAPH_<NAME>_URL, SUBGRAPH_<NAME>_SECRET. With
 * `HIVE_UNSIGNED=true` (the gateway-bound bench, whose in-memory subgraphs check no signature) it serves
 * any supergraph with the subgraph URLs written in it, and signs nothing.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime, type GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { readPortSetting, readSubgraphEndpoints, signedIdentityHeaders, type SubgraphEndpoint } from './signing';

const dedupModes = ['default', 'all', 'off'] as const;

/** Signs every subgraph request, whatever Hive's fetch does with it afterwards. */
function useFedstackSigning(endpoints: Record<string, SubgraphEndpoint>): GatewayPlugin {
  const byUrl = new Map(Object.values(endpoints).map((endpoint) => [endpoint.url, endpoint]));
  return {
    onFetch({ url, options, setOptions }) {
      const endpoint = byUrl.get(url);
      if (!endpoint) return;
      const headers: Record<string, string> = {};
      new Headers(options.headers as HeadersInit | undefined).forEach((value, key) => {
        headers[key] = value;
      });
      const body = typeof options.body === 'string' ? options.body : '';
      setOptions({ ...options, headers: { ...headers, ...signedIdentityHeaders(endpoint.secret, { method: options.method ?? 'GET', url, body }) } });
    },
  };
}

function main(): void {
  const port = readPortSetting(process.env);
  const dedup = (process.env.HIVE_DEDUP ?? 'default') as (typeof dedupModes)[number];
  if (!dedupModes.includes(dedup)) throw new Error(`HIVE_DEDUP must be one of ${dedupModes.join(', ')}, but got: ${JSON.stringify(process.env.HIVE_DEDUP)}`);
  const unsigned = process.env.HIVE_UNSIGNED === 'true';
  const endpoints = unsigned ? {} : readSubgraphEndpoints(process.env, ['users', 'orders']);
  const gateway = createGatewayRuntime({
    supergraph: readFileSync(process.env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql', 'utf8'),
    transportEntries: {
      ...(unsigned ? {} : { users: { location: endpoints.users!.url }, orders: { location: endpoints.orders!.url } }),
      ...(dedup === 'off' ? { '*': { options: { deduplicateInflightRequests: false } } } : {}),
    },
    inboundInflightRequestDeduplication: dedup === 'all',
    plugins: () => (unsigned ? [] : [useFedstackSigning(endpoints)]),
    logging: 'error',
    landingPage: false,
  });
  const server = createServer(gateway);
  server.listen(port, '127.0.0.1', () => process.send?.({ type: 'ready', url: `http://127.0.0.1:${port}/graphql` }));
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    void gateway.dispose();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The bench is the parent: when it goes, so does this process.
  process.on('disconnect', stop);
}

try {
  main();
} catch (error) {
  process.stderr.write(`hive-gateway target failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
