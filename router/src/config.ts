import { resolve } from 'node:path';
import { ConfigError, developmentSigningSecret, loadCommonConfig, readBoolean, readEnum, readInt, readList, readMaxPageSize, readNumber, readPort, readSecret, readString, readUrl, type CommonConfig, type Env } from '@fedstack/server';
import type { AuthConfig } from './inbound/auth/createTokenVerifier';
import type { ResponseCacheConfig } from './inbound/cache/createResponseCache';
import type { TrustedDocumentsConfig } from './inbound/persisted/createTrustedDocuments';
import type { OperationLimits } from './inbound/limits/useOperationLimits';
import type { ResilienceOptions } from './upstream/createResilientFetcher';
import { loadWorkerConfig } from './cluster/loadWorkerConfig';
import type { RestartPolicy } from './cluster/planRestart';

/**
 * The repository's `schema` folder: two levels up from this file, in `src/` as in `dist/` (the Docker
 * image keeps that layout). Worked out here, not taken from @fedstack/devkit, which is tooling: nothing
 * a service runs in production may load it (it brings the MongoDB driver along, and the image has no
 * build of it).
 */
const schemaDir = resolve(__dirname, '../../schema');

/** How the router gets its supergraph. */
export type SupergraphMode = 'static' | 'live';

/** `ROUTER_PLAN_ADMISSION`, read: adaptive, a fixed number of plans at once, or off. */
export type PlanAdmissionSetting = { kind: 'adaptive'; budgetBytes: number } | { kind: 'fixed'; plans: number } | { kind: 'off' };

function readPlanAdmission(env: Env): PlanAdmissionSetting {
  const raw = readString(env, 'ROUTER_PLAN_ADMISSION') ?? 'adaptive';
  const budgetKb = readInt(env, 'ROUTER_PLAN_ADMISSION_BUDGET_KB', 256, { min: 1, max: 16 * 1024 * 1024 });
  if (raw === 'adaptive') return { kind: 'adaptive', budgetBytes: budgetKb * 1024 };
  if (raw === 'off') return { kind: 'off' };
  if (/^[0-9]+$/.test(raw) && +raw >= 1 && +raw <= 100_000) return { kind: 'fixed', plans: +raw };
  throw new ConfigError(`ROUTER_PLAN_ADMISSION must be adaptive, off, or a number of plans from 1 to 100000, but is "${raw}".`);
}

/** Who runs a query plan: the router's own executor, or stock Apollo Gateway's. */
export type ExecutorKind = 'ours' | 'apollo';

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
   * URL in the supergraph or the subgraph list. Keys are {@link subgraphSettingKey}s: the subgraph's name
   * in lower case with every character other than a–z and 0–9 turned into `_`.
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
   * Defaults to true outside production, unless `PERSISTED_DOCUMENTS=require` refuses what it sends
   * (operation text) and no admin may bypass it.
   */
  playground: boolean;
  /**
   * Trusted documents (see persisted/createTrustedDocuments.ts): `PERSISTED_DOCUMENTS` (`off`, `allow`,
   * `require`; defaults to `require` in production, `allow` elsewhere), `PERSISTED_DOCUMENTS_PATH`
   * (manifest files or folders, comma-separated; defaults to the web app's
   * `web/src/__generated__/persisted-documents.json`), `PERSISTED_DOCUMENTS_POLL_INTERVAL_MS` (2000),
   * `PERSISTED_DOCUMENTS_ADMIN_BYPASS` (false), and `REDIS_URL` for manifests published to Redis.
   */
  trustedDocuments: TrustedDocumentsConfig;
  /** Bearer-token verification (see auth/createTokenVerifier.ts for each setting). */
  auth: AuthConfig;
  /**
   * `SUBGRAPH_<NAME>_SECRET`: the secret the router signs its requests to that subgraph with (the
   * subgraph's `<NAME>_SIGNING_SECRET`). Outside production an unset one falls back to the development
   * secret; in production every subgraph's must be set (checked when the supergraph is known).
   */
  subgraphSecrets: Record<string, string>;
  /** What an operation may ask for; each refusal happens before any subgraph is called. */
  limits: RouterLimits;
  /** Timeouts, retries and the circuit breaker for subgraph calls (see upstream/createResilientFetcher.ts). */
  resilience: ResilienceOptions;
  /** `SUBGRAPH_<NAME>_TIMEOUT_MS`: a timeout for one subgraph, instead of `SUBGRAPH_TIMEOUT_MS`. */
  subgraphTimeouts: Record<string, number>;
  /**
   * `DEDUPE_SUBGRAPH_REQUESTS`: identical queries to a subgraph (same body, same identity) in flight at
   * the same time share one request. Defaults to true.
   */
  dedupeSubgraphRequests: boolean;
  /**
   * `DEDUPE_INBOUND_QUERIES`: identical queries from the same identity in flight at the same time share
   * one execution. Defaults to true.
   */
  dedupeInboundQueries: boolean;
  /** Caching of public answers by cache-control hints (see cache/createResponseCache.ts). */
  responseCache: ResponseCacheConfig;
  /**
   * `ROUTER_EXECUTOR`: `ours` runs query plans with the router's executor (router/src/execution: plans
   * and compiled response shapers kept per operation, one response tree written in place), `apollo` with
   * stock Apollo Gateway's, for comparison and as a fallback. Both plan with Apollo Gateway's query
   * planner and call the subgraphs through the same data sources. Defaults to `ours`.
   */
  executor: ExecutorKind;
  /**
   * `ROUTER_PLAN_ADMISSION`: how many query plans run at once in a worker. `adaptive`: all of them
   * while its CPU keeps up; while its event loop is saturated, only as many as hold
   * `ROUTER_PLAN_ADMISSION_BUDGET_KB` (default 256) of subgraph answers between them (see
   * execution/PlanAdmission.ts). A number from 1 to 100000: at most that many. `off`: every plan starts
   * at once. Our executor only. Defaults to `adaptive`.
   */
  planAdmission: PlanAdmissionSetting;
  /**
   * `ROUTER_DEDUPE_REPRESENTATIONS`: an `_entities` fetch sends each distinct representation once, and
   * each entity gets the answer for its own (as Apollo Router does); `false` sends one per entity, as
   * stock Apollo Gateway does. Our executor only. Defaults to true (docs/operations.md).
   */
  dedupeRepresentations: boolean;
  /**
   * `ROUTER_V8_PRETENURING`: leave V8's allocation-site pretenuring on. Defaults to false: the router
   * turns it off at start (v8Settings.ts), as a burst of requests taught V8 to allocate request-lived
   * objects in the old generation for the rest of the process (docs/operations.md).
   */
  v8Pretenuring: boolean;
  /**
   * `ROUTER_V8_WASM_TIER_UP`: let V8 recompile hot WebAssembly with its optimising compiler. Defaults to
   * false: the router keeps WebAssembly on V8's baseline compiler (v8Settings.ts). Its only WebAssembly is
   * undici's HTTP parser, whose optimised compile took about 30 MB of memory at once under the first
   * load, and ran no faster for the router (docs/operations.md).
   */
  v8WasmTierUp: boolean;
  /** `ROUTER_WORKERS`: processes serving the one port (Node cluster), 1 to 64 or `auto` (one per CPU). Defaults to 1. */
  workers: number;
  /** `ROUTER_WORKER_MAX_RESTARTS` within `ROUTER_WORKER_RESTART_WINDOW_S`: when the primary gives up on a crash-looping worker. */
  restartPolicy: RestartPolicy;
}

/** The router's operation limits, with their variables. */
export interface RouterLimits extends OperationLimits {
  /** `MAX_BODY_BYTES`: the largest request body (413 `PAYLOAD_TOO_LARGE`). Defaults to 1 MiB. */
  maxBodyBytes: number;
  /** `MAX_TOKENS`: the most lexical tokens a document may have (`TOO_MANY_TOKENS`). Defaults to 2000. */
  maxTokens: number;
}

/** The manifest codegen writes for the web app (codegen.yml): what the router trusts unless told otherwise. */
export const webManifestPath = resolve(schemaDir, '../web/src/__generated__/persisted-documents.json');

/** The HS256 secret `npm start` and `npm run token` use when `AUTH_JWT_SECRET` is unset: development only. */
export const developmentJwtSecret = 'development-only-jwt-secret-do-not-use-in-production';

/** Reads and validates the router's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): RouterConfig {
  const common = loadCommonConfig(env);
  const development = common.nodeEnv !== 'production';
  const subgraphUrls: Record<string, string> = {};
  const subgraphSecrets: Record<string, string> = {};
  const subgraphTimeouts: Record<string, number> = {};
  for (const name of Object.keys(env)) {
    // An empty value counts as unset, as for every other setting.
    if (!readString(env, name)) continue;
    const misspelt = /^SUBGRAPH_(.+)_(URL|SECRET|TIMEOUT_MS)$/.exec(name);
    if (misspelt && /[^A-Z0-9_]/.test(misspelt[1]!)) {
      throw new ConfigError(
        `${name}: subgraph settings are named with upper-case letters, digits and _ only (every other character of the subgraph's name becomes _): ` +
          `set SUBGRAPH_${subgraphSettingName(misspelt[1]!)}_${misspelt[2]} instead.`,
      );
    }
    const match = /^SUBGRAPH_([A-Z0-9_]+?)_(URL|SECRET|TIMEOUT_MS)$/.exec(name);
    if (!match) continue;
    const key = match[1]!.toLowerCase();
    if (match[2] === 'URL') subgraphUrls[key] = readUrl(env, name, '');
    if (match[2] === 'TIMEOUT_MS') subgraphTimeouts[key] = readInt(env, name, 10_000, { min: 10, max: 600_000 });
    if (match[2] === 'SECRET') subgraphSecrets[key] = readSecret(env, name, developmentSigningSecret(key), common.nodeEnv);
  }
  const jwksUrl = readString(env, 'AUTH_JWKS_URL');
  if (jwksUrl !== undefined) readUrl(env, 'AUTH_JWKS_URL', jwksUrl);
  const jwtSecret =
    common.nodeEnv === 'production' && readString(env, 'AUTH_JWT_SECRET') === undefined
      ? undefined
      : readSecret(env, 'AUTH_JWT_SECRET', developmentJwtSecret, common.nodeEnv);
  if (common.nodeEnv === 'production' && !jwtSecret && !jwksUrl) {
    throw new ConfigError('In production set AUTH_JWKS_URL (your identity provider\'s keys) or AUTH_JWT_SECRET (HS256, at least 32 random characters).');
  }
  // Production runs only what its clients shipped (docs/security.md#trusted-documents says why);
  // development takes text too, for the playground, tools and tests.
  const persistedMode = readEnum(env, 'PERSISTED_DOCUMENTS', ['off', 'allow', 'require'], development ? 'allow' : 'require');
  const adminBypass = readBoolean(env, 'PERSISTED_DOCUMENTS_ADMIN_BYPASS', false);
  const textRefused = persistedMode === 'require' && !adminBypass;
  if (textRefused && readString(env, 'PLAYGROUND') !== undefined && readBoolean(env, 'PLAYGROUND', false)) {
    throw new ConfigError(
      'PLAYGROUND=true cannot run anything with PERSISTED_DOCUMENTS=require (the playground sends operation text): set PERSISTED_DOCUMENTS_ADMIN_BYPASS=true to let admins run any operation, or PERSISTED_DOCUMENTS=allow.',
    );
  }
  if (adminBypass && persistedMode !== 'require') throw new ConfigError('PERSISTED_DOCUMENTS_ADMIN_BYPASS only applies to PERSISTED_DOCUMENTS=require: unset it, or set that mode.');
  const redisUrl = readRedisUrl(env, 'REDIS_URL');
  const redisTimeoutMs = readInt(env, 'REDIS_TIMEOUT_MS', 100, { min: 5, max: 10_000 });
  const redisKeyPrefix = readString(env, 'REDIS_KEY_PREFIX', 'fedstack:router:');
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
    playground: readBoolean(env, 'PLAYGROUND', development && !textRefused),
    trustedDocuments: {
      mode: persistedMode,
      paths: readList(env, 'PERSISTED_DOCUMENTS_PATH', [webManifestPath]).map((path) => resolve(path)),
      pollIntervalMs: readInt(env, 'PERSISTED_DOCUMENTS_POLL_INTERVAL_MS', 2000, { min: 100, max: 3_600_000 }),
      redis: redisUrl ? { url: redisUrl, keyPrefix: redisKeyPrefix, timeoutMs: redisTimeoutMs } : undefined,
      adminBypass,
    },
    auth: {
      jwtSecret,
      jwksUrl,
      issuer: readString(env, 'AUTH_ISSUER', 'fedstack'),
      audience: readString(env, 'AUTH_AUDIENCE', 'fedstack-api'),
      clockToleranceSeconds: readInt(env, 'AUTH_CLOCK_SKEW_S', 30, { min: 0, max: 300 }),
    },
    subgraphSecrets,
    limits: {
      maxBodyBytes: readInt(env, 'MAX_BODY_BYTES', 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
      maxTokens: readInt(env, 'MAX_TOKENS', 2000, { min: 50, max: 100_000 }),
      maxDepth: readInt(env, 'MAX_DEPTH', 12, { min: 2, max: 100 }),
      maxAliases: readInt(env, 'MAX_ALIASES', 30, { min: 0, max: 10_000 }),
      maxRootFields: readInt(env, 'MAX_ROOT_FIELDS', 10, { min: 1, max: 1000 }),
      maxPageSize: readMaxPageSize(env),
      maxCost: readInt(env, 'MAX_COST', 10_000, { min: 10, max: 10_000_000 }),
    },
    resilience: {
      timeoutMs: readInt(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, { min: 10, max: 600_000 }),
      retries: readInt(env, 'SUBGRAPH_RETRIES', 2, { min: 0, max: 10 }),
      backoffMs: readInt(env, 'SUBGRAPH_RETRY_BACKOFF_MS', 50, { min: 1, max: 10_000 }),
      retryBudget: readNumber(env, 'SUBGRAPH_RETRY_BUDGET', 0.1, { min: 0, max: 1 }),
      failureThreshold: readInt(env, 'CIRCUIT_FAILURE_THRESHOLD', 5, { min: 1, max: 1000 }),
      openMs: readInt(env, 'CIRCUIT_OPEN_MS', 5000, { min: 10, max: 600_000 }),
    },
    subgraphTimeouts,
    dedupeSubgraphRequests: readBoolean(env, 'DEDUPE_SUBGRAPH_REQUESTS', true),
    dedupeInboundQueries: readBoolean(env, 'DEDUPE_INBOUND_QUERIES', true),
    responseCache: {
      enabled: readBoolean(env, 'RESPONSE_CACHE', true),
      maxBytes: readInt(env, 'RESPONSE_CACHE_MAX_MB', 64, { min: 1, max: 65_536 }) * 1024 * 1024,
      redisUrl,
      redisTimeoutMs,
      redisKeyPrefix,
    },
    executor: readEnum(env, 'ROUTER_EXECUTOR', ['ours', 'apollo'], 'ours'),
    planAdmission: readPlanAdmission(env),
    dedupeRepresentations: readBoolean(env, 'ROUTER_DEDUPE_REPRESENTATIONS', true),
    v8Pretenuring: readBoolean(env, 'ROUTER_V8_PRETENURING', false),
    v8WasmTierUp: readBoolean(env, 'ROUTER_V8_WASM_TIER_UP', false),
    ...loadWorkerConfig(env),
  };
  if (config.mode === 'live' && readString(env, 'SUPERGRAPH_PATH')) {
    throw new ConfigError('SUPERGRAPH_PATH is only read in static mode: unset it, or set SUPERGRAPH_MODE=static.');
  }
  return config;
}

/**
 * The part of a subgraph's setting names that stands for the subgraph: its name in upper case, with
 * every character other than A–Z and 0–9 turned into `_`. So the subgraph `all-products` is configured
 * by `SUBGRAPH_ALL_PRODUCTS_URL`, `_SECRET` and `_TIMEOUT_MS` (a `-` cannot stand in a shell variable's
 * name). Two subgraphs whose names map to the same part are refused when the supergraph is read.
 *
 * @example subgraphSettingName('all-products') === 'ALL_PRODUCTS'
 */
export function subgraphSettingName(subgraphName: string): string {
  return subgraphName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The key of a subgraph in {@link RouterConfig.subgraphUrls} and its siblings: its setting name in lower case. */
export function subgraphSettingKey(subgraphName: string): string {
  return subgraphSettingName(subgraphName).toLowerCase();
}

/** Reads an optional `redis://` or `rediss://` URL. */
export function readRedisUrl(env: Env, name: string): string | undefined {
  const raw = readString(env, name);
  if (raw === undefined) return undefined;
  let protocol: string | undefined;
  try {
    protocol = new URL(raw).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ConfigError(`${name} must be a redis:// or rediss:// URL (for example redis://localhost:6379), but got: ${JSON.stringify(raw)}`);
  }
  return raw;
}
