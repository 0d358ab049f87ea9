import { createHash } from 'node:crypto';
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@fedstack/server';
import type { RouterMetrics } from '../../metrics';
import type { RouterContext } from '../../context';
import { createRedisCache } from './createRedisCache';

/** The response cache's settings (see config.ts for the variables). */
export interface ResponseCacheConfig {
  /** `RESPONSE_CACHE`: cache public answers. Defaults to true. */
  enabled: boolean;
  /** `RESPONSE_CACHE_MAX_MB`, in bytes: how much the in-memory cache may hold (least recently used goes first). */
  maxBytes: number;
  /** `REDIS_URL`: keep the cache in this Redis instead of in memory, shared by every router. */
  redisUrl: string | undefined;
  /** `REDIS_TIMEOUT_MS`: how long one Redis command may take before the router answers without it. */
  redisTimeoutMs: number;
  /** `REDIS_KEY_PREFIX`: what every key the router writes starts with. */
  redisKeyPrefix: string;
}

/** What {@link createResponseCache} builds: its plugins (in this order), and what to close when the router stops. */
export interface ResponseCache {
  plugins: Array<ApolloServerPlugin<RouterContext>>;
  /** Tells the cache which supergraph answers come from: a new schema never gets an older schema's answers. */
  setSupergraph(sdl: string): void;
  close(): Promise<void>;
}

/**
 * Whole-response caching of public data, by the subgraphs' cache-control hints.
 *
 * Each subgraph computes its answer's policy from the `@cacheControl` hints in its schema (a field with
 * none that returns an object, and every root field, is uncacheable; every field guarded by a policy is
 * `PRIVATE`) and sends it as `Cache-Control`; the gateway keeps the most restrictive of them. An answer is
 * stored only when that policy is public with a max-age above zero, it has no errors, and it answers a
 * query: for that long, the same document, operation name and variables get it again without planning or
 * fetching, with an `Age` header, whoever asks (a public answer is by definition the same for everyone).
 * Private answers are never stored, so no identity ever reads another's data; mutations are never cached.
 *
 * Kept in memory (bounded, least recently used goes first) or, with `REDIS_URL`, in Redis. A request with
 * `Cache-Control: no-cache` is answered fresh (and refreshes the entry), as is one asking for its query plan
 * where the router exposes plans. In `/metrics`, `graphql_response_cache_total` counts queries by `result`:
 * `hit`, `bypass` (asked fresh) and `miss` (everything else, uncacheable answers included).
 */
export function createResponseCache(config: ResponseCacheConfig, logger: Logger, options: { metrics?: RouterMetrics; exposeQueryPlan: boolean }): ResponseCache {
  const { metrics, exposeQueryPlan } = options;
  const redis = config.redisUrl
    ? createRedisCache({ url: config.redisUrl, keyPrefix: config.redisKeyPrefix, timeoutMs: config.redisTimeoutMs, logger })
    : undefined;
  const store: KeyValueCache<string> = redis ?? new InMemoryLRUCache<string>({ maxSize: config.maxBytes, sizeCalculation: InMemoryLRUCache.sizeCalculation });
  let supergraph = '';
  // An answer carrying its query plan (only when the router exposes plans) is not the plain answer.
  const wantsPlan = (headers: { get(name: string): string | undefined } | undefined) => exposeQueryPlan && headers?.get('apollo-query-plan-experimental') !== undefined;
  const wantsFresh = (headers: { get(name: string): string | undefined } | undefined) => /\bno-cache\b/i.test(headers?.get('cache-control') ?? '') || wantsPlan(headers);
  const cache = responseCachePlugin<RouterContext>({
    cache: store,
    // Only public answers are stored (a private one depends on who asks), and they are the same for anyone.
    sessionId: async () => null,
    extraCacheKeyData: async () => supergraph,
    shouldReadFromCache: async ({ request }) => !wantsFresh(request.http?.headers),
    shouldWriteToCache: async ({ request }) => !wantsPlan(request.http?.headers),
  });
  // Made once, not per request: see docs/performance.md, "Hooks made once".
  const countingHooks: GraphQLRequestListener<RouterContext> = {
    async willSendResponse({ operation, request, metrics: requestMetrics }) {
      if (operation?.operation !== 'query') return;
      const result = requestMetrics.responseCacheHit ? 'hit' : wantsFresh(request.http?.headers) ? 'bypass' : 'miss';
      metrics?.responseCache.inc({ result });
    },
  };
  const counting: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      return countingHooks;
    },
  };
  return {
    plugins: [cache, counting],
    setSupergraph(sdl) {
      supergraph = createHash('sha256').update(sdl).digest('hex').slice(0, 16);
    },
    async close() {
      await redis?.close();
    },
  };
}
