/**
 * Stock Apollo Gateway on Apollo Server, with their default settings, over the same supergraph and
 * subgraphs as our router: the baseline the router has to beat. The only addition is what any gateway
 * needs to be served by our subgraphs at all: each subgraph's data source keeps Apollo's default
 * fetcher and signs what it sends (see signing.ts). It verifies no token.
 *
 * Settings: PORT, SUPERGRAPH_PATH, SUBGRAPH_<NAME>_URL, SUBGRAPH_<NAME>_SECRET.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import type { Fetcher } from '@apollo/utils.fetcher';
import { readPortSetting, readSubgraphEndpoints, signedIdentityHeaders } from './signing';

async function main(): Promise<void> {
  // Apollo's telemetry would otherwise probe cloud metadata servers from the benchmark machine.
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const port = readPortSetting(process.env);
  const endpoints = readSubgraphEndpoints(process.env, ['users', 'orders']);
  const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql', 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => {
      const endpoint = endpoints[name];
      if (!endpoint) throw new Error(`The supergraph names a subgraph the bench did not start: ${name}`);
      const dataSource = new RemoteGraphQLDataSource({ url: endpoint.url });
      const defaultFetcher = dataSource.fetcher;
      const signingFetcher: Fetcher = (url, init) =>
        defaultFetcher(url, {
          ...init,
          headers: {
            ...init?.headers,
            ...signedIdentityHeaders(endpoint.secret, { method: init?.method ?? 'GET', url, body: typeof init?.body === 'string' ? init.body : '' }),
          },
        });
      dataSource.fetcher = signingFetcher;
      return dataSource;
    },
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  process.send?.({ type: 'ready', url });
  // The bench is the parent: when it goes, so does this process.
  process.on('disconnect', () => void server.stop().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
  process.stderr.write(`apollo-gateway target failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
