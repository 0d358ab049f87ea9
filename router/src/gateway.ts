import { readFileSync } from 'node:fs';
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource, type ServiceEndpointDefinition } from '@apollo/gateway';
import { ConfigError, type Logger } from '@fedstack/common';
import type { RouterConfig } from './config';
import { readSubgraphList } from './subgraphs';

/**
 * Creates the Apollo Gateway: in static mode over the supergraph file, in live mode composing from the
 * running subgraphs. Either way a `SUBGRAPH_<NAME>_URL` setting overrides where a subgraph is reached.
 */
export function createGateway(config: RouterConfig, logger: Logger): ApolloGateway {
  const buildService = ({ name, url }: ServiceEndpointDefinition) =>
    new RemoteGraphQLDataSource({ url: config.subgraphUrls[name.toLowerCase()] ?? url });
  const common = { buildService, logger, __exposeQueryPlanExperimental: config.exposeQueryPlan };
  if (config.mode === 'live') {
    const subgraphs = readSubgraphList(config.subgraphsPath).map(({ name, url }) => ({ name, url: config.subgraphUrls[name] ?? url }));
    return new ApolloGateway({
      ...common,
      supergraphSdl: new IntrospectAndCompose({ subgraphs, pollIntervalInMs: config.pollIntervalMs, logger }),
    });
  }
  let supergraphSdl: string;
  try {
    supergraphSdl = readFileSync(config.supergraphPath, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `Cannot read the supergraph ${config.supergraphPath} (${error instanceof Error ? error.message : String(error)}). ` +
        'Run `npm run compose` to write it, point SUPERGRAPH_PATH at another file, or set SUPERGRAPH_MODE=live.',
    );
  }
  return new ApolloGateway({ ...common, supergraphSdl });
}
