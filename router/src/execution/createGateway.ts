import { readFileSync } from 'node:fs';
import { ApolloGateway, IntrospectAndCompose, type GraphQLDataSource, type ServiceEndpointDefinition, type SupergraphManager } from '@apollo/gateway';
import { ConfigError, developmentSigningSecret, type Logger } from '@fedstack/server';
import type { RouterMetrics } from '../metrics';
import { createSigningFetcher } from '../upstream/signingFetcher';
import { SubgraphDataSource } from '../upstream/SubgraphDataSource';
import { createDedupingFetcher } from '../upstream/createDedupingFetcher';
import { createHttpFetcher } from '../upstream/createHttpFetcher';
import { createResilientFetcher } from '../upstream/createResilientFetcher';
import { subgraphSettingKey, subgraphSettingName, type RouterConfig } from '../config';
import { holdSchemaNames } from './holdSchemaNames';
import { readSubgraphList } from './readSubgraphList';
import { createPoolFetcher } from '../upstream/createPoolFetcher';
import { createSubgraphDataSource } from '../upstream/createSubgraphDataSource';

/** Where the gateway reaches each subgraph, filled in as it builds their data sources. */
export type SubgraphEndpoints = Map<string, string>;

/** What {@link createGateway} builds. */
export interface RouterGateway {
  gateway: ApolloGateway;
  /** Subgraph name → GraphQL URL, for readiness checks. */
  endpoints: SubgraphEndpoints;
  /**
   * Subgraph name as the supergraph spells it → the data source the router's executor sends through,
   * filled in as the gateway builds its own: with `ROUTER_EXECUTOR=ours` the router's
   * (upstream/createSubgraphDataSource.ts, over undici), else the gateway's.
   */
  services: Map<string, GraphQLDataSource>;
  /** Closes the subgraph connections the router's own HTTP client keeps (nothing to do for node:http's agents). */
  close(): Promise<void>;
}

/**
 * Creates the Apollo Gateway, which composes (or reads) the supergraph and plans each operation: in
 * static mode over the supergraph file, in live mode composing from the running subgraphs. Either way a
 * `SUBGRAPH_<NAME>_URL` setting overrides where a subgraph is reached. Each subgraph's data source sends
 * through the upstream stack: deduplication, then retries and the circuit breaker, then signing, over one
 * keep-alive HTTP client.
 */
export function createGateway(config: RouterConfig, logger: Logger, metrics?: RouterMetrics): RouterGateway {
  // Apollo Gateway, unless told otherwise, probes cloud metadata servers (AWS, GCP, Azure, Alibaba) and
  // sends its own metrics to Apollo every few minutes. A self-hosted router phones nobody: it is off
  // unless APOLLO_TELEMETRY_DISABLED=false is set explicitly. The gateway reads the variable itself.
  // eslint-disable-next-line no-restricted-properties -- a setting of the library, not of ours
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true';
  const endpoints: SubgraphEndpoints = new Map();
  const services = new Map<string, GraphQLDataSource>();
  // Our executor's data source and its HTTP client go together; stock's executor keeps node:http.
  const ours = config.executor === 'ours';
  const pool = ours ? createPoolFetcher() : undefined;
  const http = pool ?? createHttpFetcher();
  const close = async () => {
    await pool?.close();
  };
  const buildService = ({ name, url }: ServiceEndpointDefinition) => {
    const key = name.toLowerCase();
    const setting = subgraphSettingKey(name);
    const target = config.subgraphUrls[setting] ?? url;
    if (target) endpoints.set(key, target);
    // Outermost first: identical queries in flight share one request (and its retries); each attempt of
    // the resilient fetcher is signed anew, over one keep-alive HTTP client shared by every subgraph.
    const resilient = createResilientFetcher(
      key,
      { ...config.resilience, timeoutMs: config.subgraphTimeouts[setting] ?? config.resilience.timeoutMs },
      createSigningFetcher(signingSecretFor(config, key), http),
      (outcome, seconds) => {
        metrics?.subgraphFetchDuration.observe({ subgraph: key, outcome }, seconds);
        if (outcome !== 'success') metrics?.subgraphFetchErrors.inc({ subgraph: key, reason: outcome });
      },
    );
    const fetcher = config.dedupeSubgraphRequests ? createDedupingFetcher(resilient, () => metrics?.subgraphDeduplicated.inc({ subgraph: key })) : resilient;
    const dataSource = new SubgraphDataSource({ url: target, fetcher });
    // Both over the same fetchers (one circuit, one dedup map per subgraph); the gateway's own still
    // serves what runs outside a plan (live composition's introspection).
    services.set(name, ours && target ? createSubgraphDataSource({ url: target, fetcher }) : dataSource);
    return dataSource;
  };
  const common = { buildService, logger, __exposeQueryPlanExperimental: config.exposeQueryPlan };
  if (config.mode === 'live') {
    const subgraphs = readSubgraphList(config.subgraphsPath).map(({ name, url }) => ({ name, url: config.subgraphUrls[subgraphSettingKey(name)] ?? url }));
    checkSubgraphSettings(config, subgraphs.map((subgraph) => subgraph.name), config.subgraphsPath);
    return {
      gateway: new ApolloGateway({
        ...common,
        supergraphSdl: holdingSubgraphNames(new IntrospectAndCompose({ subgraphs, pollIntervalInMs: config.pollIntervalMs, logger })),
      }),
      endpoints,
      services,
      close,
    };
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
  checkSubgraphSettings(config, supergraphSubgraphNames(supergraphSdl), config.supergraphPath);
  holdSchemaNames('supergraph', supergraphSdl);
  return { gateway: new ApolloGateway({ ...common, supergraphSdl }), endpoints, services, close };
}

/**
 * Live composition, with each subgraph's schema's names held one-byte (holdSchemaNames) as its schema
 * arrives, before the gateway composes it: the first load and every change the polling finds.
 */
export function holdingSubgraphNames(manager: IntrospectAndCompose): SupergraphManager {
  return {
    initialize: (options) =>
      manager.initialize({
        ...options,
        getDataSource: (subgraph) => {
          const dataSource = options.getDataSource(subgraph);
          return {
            process: async (request) => {
              const response = await dataSource.process(request);
              // Only the composition's introspection (`{ _service { sdl } }`) goes through this data source.
              const sdl: unknown = response.data?._service?.sdl;
              if (typeof sdl === 'string') holdSchemaNames(subgraph.name, sdl);
              return response;
            },
          };
        },
      }),
  };
}

/** The subgraph names a supergraph declares (its `join__Graph` values), in lower case. */
export function supergraphSubgraphNames(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(\s*name:\s*"([^"]+)"/g)].map((match) => match[1]!.toLowerCase());
}

/**
 * A `SUBGRAPH_<NAME>_URL`, `_SECRET` or `_TIMEOUT_MS` that names no subgraph is a typo
 * (`SUBGRAPH_USER_URL`): left alone, the router would quietly use the URL in the supergraph, or the
 * development secret, and fail only when a query arrives. Refuse it at start-up, refuse two subgraphs
 * whose settings would share a name (`all-products` and `all_products`), and check every subgraph has
 * a secret.
 */
function checkSubgraphSettings(config: RouterConfig, names: readonly string[], source: string): void {
  const bySetting = new Map<string, string>();
  for (const name of names) {
    const other = bySetting.get(subgraphSettingKey(name));
    if (other !== undefined && other !== name) {
      throw new ConfigError(
        `The subgraphs "${other}" and "${name}" in ${source} would both be configured by SUBGRAPH_${subgraphSettingName(name)}_*: ` +
          'rename one of them (a subgraph setting takes the name in upper case, with every character other than A-Z and 0-9 as _).',
      );
    }
    bySetting.set(subgraphSettingKey(name), name);
  }
  const unknown = [
    ...Object.keys(config.subgraphUrls).map((key) => ({ key, setting: 'URL' })),
    ...Object.keys(config.subgraphSecrets).map((key) => ({ key, setting: 'SECRET' })),
    ...Object.keys(config.subgraphTimeouts).map((key) => ({ key, setting: 'TIMEOUT_MS' })),
  ].filter(({ key }) => !bySetting.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${unknown.map(({ key, setting }) => `SUBGRAPH_${key.toUpperCase()}_${setting}`).join(', ')} names no subgraph in ${source}; ` +
        `the subgraphs are: ${names.map((name) => `${name} (SUBGRAPH_${subgraphSettingName(name)}_*)`).join(', ')}.`,
    );
  }
  for (const name of names) signingSecretFor(config, name);
}

/** The secret to sign requests to a subgraph with: its own, or outside production the development one. */
function signingSecretFor(config: RouterConfig, name: string): string {
  const secret = config.subgraphSecrets[subgraphSettingKey(name)];
  if (secret) return secret;
  if (config.common.nodeEnv === 'production') {
    throw new ConfigError(`Set SUBGRAPH_${subgraphSettingName(name)}_SECRET: in production every subgraph needs its own signing secret.`);
  }
  return developmentSigningSecret(name.toLowerCase());
}
