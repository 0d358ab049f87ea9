import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createErrorFormatter, createLogger, GraphQLService } from '@fedstack/common';
import type { RouterConfig } from './config';
import { createGateway } from './gateway';
import { useSettledRootNulls } from './plugins/useSettledRootNulls';

/**
 * Builds the router: Apollo Gateway on Apollo Server, served like every other service, ready to
 * `start()`. Its readiness is the gateway having loaded a supergraph.
 */
export function createRouterService(config: RouterConfig): GraphQLService<BaseContext> {
  const logger = createLogger('router', config.common.logLevel);
  const development = config.common.nodeEnv !== 'production';
  const gateway = createGateway(config, logger);
  const apollo = new ApolloServer<BaseContext>({
    gateway,
    logger,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: development,
    formatError: createErrorFormatter({
      development,
      onUnexpected: (error) => logger.error('unexpected error', error),
    }),
    plugins: [ApolloServerPluginLandingPageDisabled(), useSettledRootNulls(logger)],
    // runUntilSignalled owns shutdown; Apollo's own handler would re-send the signal after stopping.
    stopOnTerminationSignals: false,
  });
  return new GraphQLService<BaseContext>({
    name: 'router',
    apollo,
    context: async () => ({}),
    host: config.host,
    port: config.port,
    logger,
    allowedOrigins: config.allowedOrigins,
  });
}
