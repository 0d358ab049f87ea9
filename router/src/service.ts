import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createErrorFormatter, createLogger,  ErrorCode, GraphQLService, graphqlPath, useErrorReporting, useRequestMetrics, type Readiness } from '@fedstack/server';
import type { GraphQLFormattedError } from 'graphql';
import { createTokenVerifier } from './inbound/auth/createTokenVerifier';
import { createResponseCache } from './inbound/cache/createResponseCache';
import { collectClusterMetrics } from './cluster/clusterMetrics';
import { createRouterMetrics, observePlanAdmission } from './metrics';
import type { RouterConfig } from './config';
import { corsAllowedHeaders } from './inbound/corsAllowedHeaders';
import type { RouterContext } from './context';
import { createSharedStringify, ExecutingGateway } from './execution';
import { createRequestAdmission } from './inbound/admission/createRequestAdmission';
import { PlanAdmission } from './inbound/admission/PlanAdmission';
import { createGateway, type SubgraphEndpoints } from './execution/createGateway';
import { createTrustedDocuments } from './inbound/persisted/createTrustedDocuments';
import { createPlaygroundRoute } from './playground/createPlaygroundRoute';
import { useInflightQueryDedup } from './inbound/dedup/useInflightQueryDedup';
import { useOperationLimits } from './inbound/limits/useOperationLimits';
import { useSettledRootNulls } from './execution/useSettledRootNulls';

/** How the router runs beside others. */
export interface RouterServiceOptions {
  /** In a worker of a cluster (`ROUTER_WORKERS` > 1): `/metrics` answers for every worker. */
  clusterMetrics?: boolean;
}

/**
 * Builds the router: Apollo Gateway on Apollo Server, served like every other service, ready to
 * `start()`. Every request's bearer token is verified here, and only here; the identity travels on to
 * the subgraphs in signed requests (see upstream/SubgraphDataSource.ts).
 */
export function createRouterService(config: RouterConfig, options: RouterServiceOptions = {}): GraphQLService<RouterContext> {
  const logger = createLogger('router', config.common.logLevel);
  const development = config.common.nodeEnv !== 'production';
  const metrics = createRouterMetrics();
  const { gateway, endpoints, services, close: closeSubgraphClient } = createGateway(config, logger, metrics);
  const verifyToken = createTokenVerifier(config.auth);
  const maskErrors = createErrorFormatter({ development, stackTraces: config.common.errorStackTraces });
  // Loaded before anything listens: a router in `require` mode without its manifest must not start.
  const trustedDocuments = createTrustedDocuments(config.trustedDocuments, { logger, metrics, verifyToken });
  const responseCache = config.responseCache.enabled ? createResponseCache(config.responseCache, logger, { metrics, exposeQueryPlan: config.exposeQueryPlan }) : undefined;
  const admission = createPlanAdmission(config);
  if (admission) observePlanAdmission(metrics, admission);
  const stopAdmission = admission?.start();
  if (responseCache) gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => responseCache.setSupergraph(coreSupergraphSdl));
  const apollo = new ApolloServer<RouterContext>({
    // Apollo Gateway loads and plans either way; ROUTER_EXECUTOR says who runs the plans.
    gateway: config.executor === 'ours' ? new ExecutingGateway(gateway, { services, exposeQueryPlan: config.exposeQueryPlan, dedupeRepresentations: config.dedupeRepresentations }) : gateway,
    logger,
    introspection: config.introspection,
    // Ids are resolved by trustedDocuments before Apollo Server sees a request; its own automatic
    // persisted queries would register any text a client sends, in every mode.
    persistedQueries: false,
    includeStacktraceInErrorResponses: config.common.errorStackTraces,
    // The parser itself stops at the token limit, before building anything from a huge document.
    parseOptions: { maxTokens: config.limits.maxTokens },
    formatError: (formatted, error) => maskErrors(withTokenLimitCode(formatted), error),
    // An answer that inbound deduplication shares is serialised once for all who waited for it.
    ...(config.dedupeInboundQueries ? { stringifyResult: createSharedStringify() } : {}),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      useOperationLimits(config.limits),
      // Before the plugins that hand an answer on, so what they share is already settled.
      useSettledRootNulls(logger),
      // A cached answer first; only a query that must run may wait for an identical one in flight.
      ...(responseCache?.plugins ?? []),
      ...(config.dedupeInboundQueries ? [useInflightQueryDedup(() => metrics.inboundDeduplicated.inc())] : []),
      useErrorReporting(logger),
      useRequestMetrics(metrics),
    ],
    // runUntilSignalled owns shutdown; Apollo's own handler would re-send the signal after stopping.
    stopOnTerminationSignals: false,
  });
  return new GraphQLService<RouterContext>({
    name: 'router',
    apollo,
    // An invalid or expired token fails the whole request with 401: never silently anonymous.
    context: async (request, { requestId, trace, logger: requestLogger, ticket }) => ({
      viewer: await verifyToken(request.headers.authorization),
      requestId,
      trace,
      logger: requestLogger,
      rootNulls: new Set(),
      admission: ticket,
    }),
    metrics,
    collectMetrics: options.clusterMetrics ? collectClusterMetrics(metrics.registry) : undefined,
    shutdownGraceMs: config.common.shutdownGraceMs,
    // Ready when the supergraph is loaded (the service has started) and every subgraph says it is ready.
    readiness: () => checkSubgraphs(endpoints),
    host: config.host,
    port: config.port,
    logger,
    maxBodyBytes: config.limits.maxBodyBytes,
    allowedOrigins: config.allowedOrigins,
    allowedHeaders: corsAllowedHeaders,
    routes: config.playground ? createPlaygroundRoute({ graphqlPath }) : undefined,
    prepareRequest: (request, incoming) => trustedDocuments.prepareRequest(request, incoming),
    admission: admission ? createRequestAdmission(admission, { sharesInFlight: config.dedupeInboundQueries }) : undefined,
    onStopped: async () => {
      stopAdmission?.();
      await Promise.all([responseCache?.close(), trustedDocuments.close(), closeSubgraphClient()]);
    },
  });
}

/** Asks every subgraph's `/health/ready`, at once, each bounded by a short timeout. */
async function checkSubgraphs(endpoints: SubgraphEndpoints): Promise<Readiness> {
  const checks: Record<string, string> = {};
  await Promise.all(
    [...endpoints].map(async ([name, url]) => {
      const healthUrl = new URL('/health/ready', url);
      try {
        const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1500) });
        if (!response.ok) checks[name] = `not ready (HTTP ${response.status} from ${healthUrl.href})`;
      } catch (error) {
        checks[name] = `not answering at ${healthUrl.href}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }),
  );
  return { ready: Object.keys(checks).length === 0, checks };
}

/**
 * graphql-js reports the token limit as a plain syntax error ("Document contains more that N tokens",
 * its typo included); give it its own code.
 */
function withTokenLimitCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED' || !/Document contains more tha[nt] \d+ tokens/.test(formatted.message)) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.TOO_MANY_TOKENS } };
}

/** What holds query plans back (`ROUTER_PLAN_ADMISSION`); none for stock's executor or when off. */
function createPlanAdmission(config: RouterConfig): PlanAdmission | undefined {
  if (config.executor !== 'ours') return undefined;
  const setting = config.planAdmission;
  if (setting.kind === 'adaptive') return new PlanAdmission({ kind: 'adaptive', budgetBytes: setting.budgetBytes });
  if (setting.kind === 'fixed') return new PlanAdmission({ kind: 'fixed', plans: setting.plans });
  return undefined;
}

