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
    checkUrlOverrides(config, subgraphs.map((subgraph) => subgraph.name), config.subgraphsPath);
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
  checkUrlOverrides(config, supergraphSubgraphNames(supergraphSdl), config.supergraphPath);
  return new ApolloGateway({ ...common, supergraphSdl });
}

/** The subgraph names a supergraph declares (its `join__Graph` values), in lower case. */
export function supergraphSubgraphNames(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"/g)].map((match) => match[1]!.toLowerCase());
}

/**
 * A `SUBGRAPH_<NAME>_URL` that names no subgraph is a typo (`SUBGRAPH_USER_URL`): left alone, the router
 * would quietly use the URL in the supergraph and fail only when a query arrives. Refuse it at start-up.
 */
function checkUrlOverrides(config: RouterConfig, names: readonly string[], source: string): void {
  const unknown = Object.keys(config.subgraphUrls).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${unknown.map((name) => `SUBGRAPH_${name.toUpperCase()}_URL`).join(', ')} names no subgraph in ${source}; ` +
        `the subgraphs are: ${names.join(', ')}.`,
    );
  }
}
