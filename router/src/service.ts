import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createErrorFormatter, createLogger, ErrorCode, GraphQLService, graphqlPath, useErrorReporting } from '@fedstack/common';
import type { GraphQLFormattedError } from 'graphql';
import { createTokenVerifier } from './auth/createTokenVerifier';
import type { RouterConfig } from './config';
import type { RouterContext } from './context';
import { createGateway } from './gateway';
import { createPlaygroundRoute } from './playground/createPlaygroundRoute';
import { useOperationLimits } from './plugins/useOperationLimits';
import { useSettledRootNulls } from './plugins/useSettledRootNulls';

/**
 * Builds the router: Apollo Gateway on Apollo Server, served like every other service, ready to
 * `start()`. Every request's bearer token is verified here, and only here; the identity travels on to
 * the subgraphs in signed requests (see gateway.ts).
 */
export function createRouterService(config: RouterConfig): GraphQLService<RouterContext> {
  const logger = createLogger('router', config.common.logLevel);
  const development = config.common.nodeEnv !== 'production';
  const gateway = createGateway(config, logger);
  const verifyToken = createTokenVerifier(config.auth);
  const maskErrors = createErrorFormatter({ development });
  const apollo = new ApolloServer<RouterContext>({
    gateway,
    logger,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: development,
    // The parser itself stops at the token limit, before building anything from a huge document.
    parseOptions: { maxTokens: config.limits.maxTokens },
    formatError: (formatted) => maskErrors(withTokenLimitCode(formatted)),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      useOperationLimits(config.limits),
      useSettledRootNulls(logger),
      useErrorReporting(logger),
    ],
    // runUntilSignalled owns shutdown; Apollo's own handler would re-send the signal after stopping.
    stopOnTerminationSignals: false,
  });
  return new GraphQLService<RouterContext>({
    name: 'router',
    apollo,
    // An invalid or expired token fails the whole request with 401: never silently anonymous.
    context: async (request, requestId) => ({ viewer: await verifyToken(request.headers.authorization), requestId }),
    host: config.host,
    port: config.port,
    logger,
    maxBodyBytes: config.limits.maxBodyBytes,
    allowedOrigins: config.allowedOrigins,
    routes: config.playground ? createPlaygroundRoute({ graphqlPath }) : undefined,
  });
}

/**
 * graphql-js reports the token limit as a plain syntax error ("Document contains more that N tokens",
 * its typo included); give it its own code.
 */
function withTokenLimitCode(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (formatted.extensions?.code !== 'GRAPHQL_PARSE_FAILED' || !/Document contains more tha[nt] \d+ tokens/.test(formatted.message)) return formatted;
  return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.TOO_MANY_TOKENS } };
}
