/**
 * Stock Apollo Gateway on Apollo Server with their defaults over any supergraph file, its subgraphs
 * reached at the URLs in it, nothing added: the gateway-bound bench's baseline (the in-memory subgraphs
 * check no signature).
 *
 * Settings: PORT, SUPERGRAPH_PATH.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readPortSetting } from './signing';

async function main(): Promise<void> {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH ?? '', 'utf8') });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port: readPortSetting(process.env), host: '127.0.0.1' } });
  process.send?.({ type: 'ready', url });
  // SIGTERM ends it with an exit, so a --cpu-prof profile is written.
  const stop = () => void server.stop().finally(() => process.exit(0));
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`stock gateway failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
