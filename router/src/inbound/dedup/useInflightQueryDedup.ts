import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import type { CacheHint } from '@apollo/cache-control-types';
import type { FormattedExecutionResult } from 'graphql';
import type { RouterContext } from '../../context';

/** How long a request waits for an identical one's answer before it runs by itself. */
const maxWaitMs = 30_000;

/** What the first request hands to those that waited for it. */
interface SharedAnswer {
  result: FormattedExecutionResult;
  /** The answer's cache policy when it may be cached at all, else null. */
  policy: Required<CacheHint> | null;
}
/**
 * In-flight deduplication of identical inbound queries: while a query is being answered, the same query
 * (same document, operation name and variables) from the same identity waits for that answer instead of
 * planning and fetching again. Under load, many clients ask for the same popular data at the same moment:
 * the router and the subgraphs then do the work once.
 *
 * The key holds the caller's verified user id and roles, so an answer never crosses identities (each
 * viewer may see different fields); mutations are never shared; nothing is kept after the answer is
 * sent: it is not a cache. A request that waited gets a shallow copy: what later plugins set on one
 * answer (its `errors` or `extensions`) stays its own, while the `data` tree, which nothing after
 * execution changes in place, is shared rather than cloned (a deep clone per waiting request was 7% of
 * the router's CPU under load, 24% with large answers). A waiting request also takes the answer's
 * cache policy, so it tells its client the same `Cache-Control` as the first one. `DEDUPE_INBOUND_QUERIES=false`
 * turns it off. `onShared` is told of each request that waits for an identical one's answer (the metric).
 */
export function useInflightQueryDedup(onShared: () => void): ApolloServerPlugin<RouterContext> {
  const inflight = new Map<string, Promise<SharedAnswer | null>>();
  // Made once, not per request (docs/performance.md, "Hooks made once"): the request that runs an
  // operation for the others is found by its request context, the one object each hook is handed.
  const leaders = new WeakMap<object, { key: string; settle: (answer: SharedAnswer | null) => void }>();
  const hooks: GraphQLRequestListener<RouterContext> = {
    async responseForOperation(requestContext) {
      const { operation, request, contextValue, overallCachePolicy } = requestContext;
      if (operation?.operation !== 'query') return null;
      const key = JSON.stringify([
        contextValue.viewer.userId,
        contextValue.viewer.roles,
        request.query,
        request.operationName ?? null,
        request.variables ?? null,
        request.http?.headers.get('apollo-query-plan-experimental') ?? null,
        request.http?.headers.get('apollo-query-plan-experimental-format') ?? null,
      ]);
      const pending = inflight.get(key);
      if (pending) {
        onShared();
        // The timer is cleared as soon as the answer comes. Until it fired, it kept its promise alive,
        // and through the reaction Promise.race left on it the race's settled promise, whose value is
        // the shared answer: each answer shared in the last `maxWaitMs` stayed in memory (on
        // gatewayBound at 1,500 requests a second, the heap grew by 12 MB a second, for 30 s).
        let timer: NodeJS.Timeout | undefined;
        const gaveUp = new Promise<null>((resolve) => {
          timer = setTimeout(() => resolve(null), maxWaitMs);
          timer.unref();
        });
        let result: SharedAnswer | null;
        try {
          result = await Promise.race([pending, gaveUp]);
        } finally {
          clearTimeout(timer);
        }
        if (result) {
          if (result.policy) overallCachePolicy.restrict(result.policy);
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { ...result.result } } };
        }
        // The first request never answered (or failed without an answer): forget it, run this one.
        if (inflight.get(key) === pending) inflight.delete(key);
        return null;
      }
      let settle: (answer: SharedAnswer | null) => void = () => {};
      inflight.set(key, new Promise((resolve) => (settle = resolve)));
      leaders.set(requestContext, { key, settle });
      return null;
    },
    async willSendResponse(requestContext) {
      const leader = leaders.get(requestContext);
      if (!leader) return;
      leaders.delete(requestContext);
      const { response, overallCachePolicy } = requestContext;
      inflight.delete(leader.key);
      leader.settle(response.body.kind === 'single' ? { result: { ...response.body.singleResult }, policy: overallCachePolicy.policyIfCacheable() } : null);
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
