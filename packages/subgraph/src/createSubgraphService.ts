import { readFileSync } from 'node:fs';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  createErrorFormatter,
  createLogger,
  GraphQLService,
  useErrorReporting,
  useRequestMetrics,
  verifyRequestSignature,
  viewerFromHeaders,
  type Logger,
  type Readiness,
  type Viewer,
} from '@fedstack/server';
import { parse } from 'graphql';
import type { Db } from 'mongodb';
import type { SubgraphConfig } from './config';
import { recognizeDatabaseUnavailable } from './databaseUnavailable';
import { createSubgraphMetrics, watchMongo } from './metrics';
import { connectDatabase, type Database } from './mongo';

/**
 * The resolver map `buildSubgraphSchema` takes (with `__resolveReference`), derived from its public
 * signature: `@apollo/subgraph` does not export the type from its entry point.
 */
export type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>['resolvers']>;

/** What a subgraph knows of one request when it builds its context. */
export interface SubgraphRequestScope {
  /** Who is asking, as the router vouched for it. */
  viewer: Viewer;
  /** Follows the request through logs and error responses. */
  requestId: string;
  /** The service's logger with the request id and trace id on every line. */
  logger: Logger;
  /** Records each DataLoader batch's size, by loader name. */
  observeBatch: (loader: string, size: number) => void;
}

/** What a subgraph hands to {@link createSubgraphService}. */
export interface SubgraphServiceOptions<TContext extends BaseContext> {
  name: string;
  /** The subgraph's SDL file (`schema/users.graphql`, the source of truth), as an absolute path. */
  schemaPath: string;
  /** The generated `Resolvers` type is structurally a resolver map; it is checked there, not here. */
  resolvers: object;
  config: SubgraphConfig;
  /**
   * Runs once, after connecting: creates the indexes the subgraph needs and returns the factory that
   * builds a fresh context, with fresh loaders, for every request, for the viewer the router vouched for.
   * `logger` is the service's, for what concerns no single request.
   */
  prepare: (db: Db, logger: Logger) => Promise<(request: SubgraphRequestScope) => TContext>;
  /** An open connection to use instead of connecting to `config.mongo` (tests pass one to watch its commands). */
  database?: Database;
}

/**
 * Builds a subgraph: connects to its database, prepares it, builds its federated schema from the SDL and
 * Apollo Server with error masking, served over HTTP with health checks, ready to `start()`. Stopping
 * it closes the database connection.
 */
export async function createSubgraphService<TContext extends BaseContext>(options: SubgraphServiceOptions<TContext>): Promise<GraphQLService<TContext>> {
  const { config } = options;
  const logger = createLogger(options.name, config.common.logLevel);
  const development = config.common.nodeEnv !== 'production';
  const metrics = createSubgraphMetrics(options.name);
  const database = options.database ?? (await connectDatabase(config.mongo, `${options.name}-subgraph`, logger));
  watchMongo(database.client, metrics);
  const createContext = await options.prepare(database.db, logger);
  const observeBatch = (loader: string, size: number) => metrics.batchSize.observe({ loader }, size);
  const schema = buildSubgraphSchema({
    typeDefs: parse(readFileSync(options.schemaPath, 'utf8')),
    resolvers: options.resolvers as SubgraphResolvers,
  });
  const apollo = new ApolloServer<TContext>({
    schema,
    logger,
    includeStacktraceInErrorResponses: config.common.errorStackTraces,
    formatError: createErrorFormatter({ development, stackTraces: config.common.errorStackTraces, recognize: recognizeDatabaseUnavailable }),
    // Traces for Apollo's cloud reporting: unused here, and each one costs work on every request.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), useErrorReporting(logger, { recognize: recognizeDatabaseUnavailable }), useRequestMetrics(metrics)],
    // runUntilSignalled owns shutdown; Apollo's own handler would re-send the signal after stopping.
    stopOnTerminationSignals: false,
  });
  return new GraphQLService<TContext>({
    name: options.name,
    apollo,
    context: async (request, { requestId, logger: requestLogger }) =>
      createContext({ viewer: viewerFromHeaders(request.headers), requestId, logger: requestLogger, observeBatch }),
    metrics,
    shutdownGraceMs: config.common.shutdownGraceMs,
    // Only the router may call a subgraph: every GraphQL request, `_entities` and `_service` included,
    // must carry its signature. Health endpoints stay open for probes.
    verifyRequest: (request, body, url) =>
      verifyRequestSignature(
        config.signing.secret,
        request.headers,
        { method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, body },
        { nowSeconds: Math.floor(Date.now() / 1000), windowSeconds: config.signing.windowSeconds },
      ),
    host: config.host,
    port: config.port,
    logger,
    readiness: async (): Promise<Readiness> => {
      try {
        await database.db.command({ ping: 1 });
        return { ready: true, checks: {} };
      } catch (error) {
        return { ready: false, checks: { mongodb: error instanceof Error ? error.message : String(error) } };
      }
    },
    onStopped: () => database.close(),
  });
}
