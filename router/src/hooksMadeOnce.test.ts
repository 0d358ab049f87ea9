import type { ApolloServerPlugin, BaseContext, GraphQLRequestContext } from '@apollo/server';
import { createLogger, createMetrics, useErrorReporting, useRequestMetrics } from '@fedstack/server';
import { loadConfig } from './config';
import { useSettledRootNulls } from './execution/useSettledRootNulls';
import { createResponseCache } from './inbound/cache/createResponseCache';
import { useInflightQueryDedup } from './inbound/dedup/useInflightQueryDedup';
import { useOperationLimits } from './inbound/limits/useOperationLimits';
import { createRouterMetrics } from './metrics';

/**
 * Every plugin of the router's own returns one hooks object, made with the plugin, for every request:
 * hooks made per request had their optimised code dropped by V8 at each full collection and compiled
 * again (docs/performance.md, "Hooks made once"). Apollo Server's response-cache plugin is its own.
 */
describe('the router’s request hooks', () => {
  const config = loadConfig({});
  const logger = createLogger('test', 'silent');
  const responseCache = createResponseCache(config.responseCache, logger, { metrics: createRouterMetrics(), exposeQueryPlan: false });
  const plugins: Array<[string, ApolloServerPlugin<never>]> = [
    ['operation limits', useOperationLimits(config.limits)],
    ['settled root nulls', useSettledRootNulls(logger)],
    ['response cache counting', responseCache.plugins.at(-1)!],
    ['inbound deduplication', useInflightQueryDedup(() => {})],
    ['error reporting', useErrorReporting(logger)],
    ['request metrics', useRequestMetrics(createMetrics('test'))],
  ];

  afterAll(async () => {
    await responseCache.close();
  });

  it.each(plugins)('%s: are one object for two requests', async (_name, plugin) => {
    const requestDidStart = plugin.requestDidStart as (context: GraphQLRequestContext<BaseContext>) => Promise<unknown>;
    // Two requests' contexts: distinct objects, as Apollo Server makes one per operation.
    const first = await requestDidStart({} as GraphQLRequestContext<BaseContext>);
    const second = await requestDidStart({} as GraphQLRequestContext<BaseContext>);
    expect(first).toBeInstanceOf(Object);
    expect(second).toBe(first);
  });
});
