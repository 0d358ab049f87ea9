import { resolve } from 'node:path';
import { ConfigError, loadCommonConfig, readBoolean, readEnum, readInt, readList, readPort, readString, readUrl, schemaDir, type CommonConfig, type Env } from '@fedstack/common';

/** How the router gets its supergraph. */
export type SupergraphMode = 'static' | 'live';

/** Everything the router reads from its environment, read once at start-up. */
export interface RouterConfig {
  common: CommonConfig;
  /** `ROUTER_HOST`: the interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  /** `ROUTER_PORT`: defaults to 4000; 0 picks a free port. */
  port: number;
  /**
   * `SUPERGRAPH_MODE`: `static` serves the composed file at `supergraphPath` (reviewed, checked in,
   * and what production should run); `live` composes from the running subgraphs by introspection and
   * recomposes when they change (development). Defaults to `static`.
   */
  mode: SupergraphMode;
  /** `SUPERGRAPH_PATH`: the supergraph file served in static mode; any composed supergraph works. Defaults to `schema/supergraph.graphql`. */
  supergraphPath: string;
  /** `SUBGRAPHS_PATH`: the subgraph list (name, url, schema) live mode composes from. Defaults to `schema/subgraphs.json`. */
  subgraphsPath: string;
  /** `SUPERGRAPH_POLL_INTERVAL_MS`: how often live mode introspects the subgraphs for changes. Defaults to 2000. */
  pollIntervalMs: number;
  /**
   * `SUBGRAPH_<NAME>_URL` (for example `SUBGRAPH_USERS_URL`): where to reach a subgraph, instead of the
   * URL in the supergraph or the subgraph list. Keys are subgraph names in lower case.
   */
  subgraphUrls: Record<string, string>;
  /**
   * `EXPOSE_QUERY_PLAN`: answer the `Apollo-Query-Plan-Experimental: 1` request header with the query
   * plan in `extensions`. Defaults to true outside production, false in production.
   */
  exposeQueryPlan: boolean;
  /** `INTROSPECTION`: allow schema introspection. Defaults to true outside production. */
  introspection: boolean;
  /**
   * `CORS_ALLOWED_ORIGINS`: comma-separated origins whose pages may call the router from a browser, for
   * example `https://shop.example.com`; `*` allows any. Defaults to the web app's development server
   * (`http://localhost:5173`) outside production, and to none in production.
   */
  allowedOrigins: string[];
  /**
   * `PLAYGROUND`: serve the GraphiQL playground at `/playground`, and at `/graphql` to a browser.
   * Defaults to true outside production.
   */
  playground: boolean;
}

/** Reads and validates the router's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): RouterConfig {
  const common = loadCommonConfig(env);
  const development = common.nodeEnv !== 'production';
  const subgraphUrls: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(name);
    // An empty value counts as unset, as for every other setting.
    if (match && readString(env, name)) subgraphUrls[match[1]!.toLowerCase()] = readUrl(env, name, '');
  }
  const config: RouterConfig = {
    common,
    host: readString(env, 'ROUTER_HOST', '0.0.0.0'),
    port: readPort(env, 'ROUTER_PORT', 4000),
    mode: readEnum(env, 'SUPERGRAPH_MODE', ['static', 'live'], 'static'),
    supergraphPath: resolve(readString(env, 'SUPERGRAPH_PATH', resolve(schemaDir, 'supergraph.graphql'))),
    subgraphsPath: resolve(readString(env, 'SUBGRAPHS_PATH', resolve(schemaDir, 'subgraphs.json'))),
    pollIntervalMs: readInt(env, 'SUPERGRAPH_POLL_INTERVAL_MS', 2000, { min: 100, max: 3_600_000 }),
    subgraphUrls,
    exposeQueryPlan: readBoolean(env, 'EXPOSE_QUERY_PLAN', development),
    introspection: readBoolean(env, 'INTROSPECTION', development),
    allowedOrigins: readList(env, 'CORS_ALLOWED_ORIGINS', development ? ['http://localhost:5173'] : []),
    playground: readBoolean(env, 'PLAYGROUND', development),
  };
  if (config.mode === 'live' && readString(env, 'SUPERGRAPH_PATH')) {
    throw new ConfigError('SUPERGRAPH_PATH is only read in static mode: unset it, or set SUPERGRAPH_MODE=static.');
  }
  return config;
}
