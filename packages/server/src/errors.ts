import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger';

/**
 * Every `extensions.code` the platform returns. This is a public contract: clients switch on these
 * strings, so a code is never renamed, only added. docs/errors.md lists each with its meaning.
 */
export enum ErrorCode {
  /** An argument or input field is malformed or out of range. HTTP 400 when it fails the whole request. */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The thing a mutation acts on does not exist. */
  NOT_FOUND = 'NOT_FOUND',
  /** `createUser` with an e-mail address another user has. */
  EMAIL_TAKEN = 'EMAIL_TAKEN',
  /** `cancelOrder` on an order that is not `PENDING`. */
  ORDER_NOT_CANCELLABLE = 'ORDER_NOT_CANCELLABLE',
  /** No valid credentials: an invalid or expired token (HTTP 401), or an anonymous caller on a field that needs one. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller is known but may not see or do this (someone else's orders). */
  FORBIDDEN = 'FORBIDDEN',
  /** The request body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The operation nests deeper than the configured maximum. */
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  /** The operation uses more aliases than the configured maximum. */
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  /** The operation selects more root fields than the configured maximum. */
  TOO_MANY_ROOT_FIELDS = 'TOO_MANY_ROOT_FIELDS',
  /** The document has more tokens than the configured maximum. */
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  /** The operation's estimated cost (list sizes multiplied through nesting) is over the configured maximum. */
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  /** A subgraph's database cannot be reached; the request failed fast instead of waiting. Retry shortly. */
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  /** The router could not get an answer from a subgraph (down, refusing, or its circuit is open). `serviceName` names it. */
  SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE',
  /** A subgraph did not answer within its timeout. `serviceName` names it. */
  SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT',
  /** `placeOrder` with an idempotency key already used for a different order. */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  /** A persisted-document id (`documentId`, or Apollo's `sha256Hash` where registering is off) that no manifest the router loaded holds. */
  PERSISTED_DOCUMENT_NOT_FOUND = 'PERSISTED_DOCUMENT_NOT_FOUND',
  /** Operation text without a manifest id, refused unread under `PERSISTED_DOCUMENTS=require`. */
  PERSISTED_DOCUMENT_REQUIRED = 'PERSISTED_DOCUMENT_REQUIRED',
  /** A persisted-document id sent together with a text that is not the one the id stands for. */
  PERSISTED_DOCUMENT_MISMATCH = 'PERSISTED_DOCUMENT_MISMATCH',
  /** Anything unexpected. The detail is logged, never sent outside development. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/**
 * The HTTP status each code stands for when it fails a whole request ({@link requestError}). Raised on
 * a field, any code comes back with HTTP 200 and partial data, as GraphQL over HTTP prescribes.
 */
export const errorStatus: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.EMAIL_TAKEN]: 409,
  [ErrorCode.ORDER_NOT_CANCELLABLE]: 409,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.QUERY_TOO_DEEP]: 400,
  [ErrorCode.TOO_MANY_ALIASES]: 400,
  [ErrorCode.TOO_MANY_ROOT_FIELDS]: 400,
  [ErrorCode.TOO_MANY_TOKENS]: 400,
  [ErrorCode.QUERY_TOO_COSTLY]: 400,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
  [ErrorCode.SUBGRAPH_UNAVAILABLE]: 503,
  [ErrorCode.SUBGRAPH_TIMEOUT]: 504,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: 409,
  [ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND]: 400,
  [ErrorCode.PERSISTED_DOCUMENT_REQUIRED]: 400,
  [ErrorCode.PERSISTED_DOCUMENT_MISMATCH]: 400,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

/**
 * Creates a GraphQL error that carries its code, and extra fields (such as the offending `field`) in
 * `extensions`.
 *
 * @example throw codedError(ErrorCode.NOT_FOUND, 'No order has id "…".', { id })
 */
export function codedError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extra, code } });
}

/**
 * An error that fails the whole request before execution, with its code's HTTP status (Apollo Server
 * answers with `extensions.http.status`).
 */
export function requestError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extra, code, http: { status: errorStatus[code] } } });
}

/**
 * A `BAD_USER_INPUT` error naming the argument or input field at fault, for example `input.items[0].quantity`.
 */
export function badUserInput(field: string, message: string): GraphQLError {
  return codedError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
}

/**
 * Codes a client may see as they are. `INTERNAL_SERVER_ERROR` is not one of them: Apollo Server gives
 * that code to every error thrown without one (a driver error, a bug), so its message must be masked.
 */
const publicCodes = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * True when an error's code is one clients are meant to see with its message: ours (but
 * `INTERNAL_SERVER_ERROR`), or Apollo Server's request codes.
 */
export function isPublicCode(code: unknown): boolean {
  return typeof code === 'string' && (publicCodes.has(code) || isGraphQLRequestCode(code));
}

/**
 * Recognises a failure that is not a bug but a dependency being away (a subgraph's database, say), and
 * says what the client is told instead of `INTERNAL_SERVER_ERROR`. Such failures are logged as warnings,
 * without a stack.
 */
export type FailureRecognizer = (error: unknown) => { code: ErrorCode; message: string } | undefined;

/**
 * Builds Apollo Server's `formatError`: errors with a known code (ours, and GraphQL's own validation and
 * parse errors) pass through; anything else (a bug, a driver error) is masked as `INTERNAL_SERVER_ERROR`
 * unless `development` is set. A stack trace (`extensions.stacktrace`) is sent only when `stackTraces`
 * is set (`ERROR_STACK_TRACES`, never in production); it is dropped otherwise, also when it came from a
 * subgraph through the router. Logging the detail and adding the request id is
 * {@link useErrorReporting}'s part. An error `recognize` knows gets its code and message, in any mode.
 */
export function createErrorFormatter(options: { development: boolean; stackTraces?: boolean; recognize?: FailureRecognizer }) {
  const keepStack = options.development && options.stackTraces === true;
  return (formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const recognized = options.recognize?.(error);
    if (recognized) {
      const shown = withoutStack(formatted, keepStack);
      return { ...shown, message: recognized.message, extensions: { ...shown.extensions, code: recognized.code } };
    }
    if (options.development) return withoutStack(formatted, keepStack);
    if (isPublicCode(formatted.extensions?.code)) return withoutStack(formatted, false);
    return {
      message: 'Internal server error',
      ...(formatted.path ? { path: formatted.path } : {}),
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** Codes Apollo Server itself gives to a request it refuses before execution. */
function isGraphQLRequestCode(code: string): boolean {
  return (
    code === 'GRAPHQL_PARSE_FAILED' ||
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    code === 'BAD_REQUEST' ||
    code === 'PERSISTED_QUERY_NOT_FOUND' ||
    code === 'PERSISTED_QUERY_NOT_SUPPORTED' ||
    code === 'OPERATION_RESOLUTION_FAILURE'
  );
}

function withoutStack(formatted: GraphQLFormattedError, keepStack: boolean): GraphQLFormattedError {
  if (keepStack || formatted.extensions?.stacktrace === undefined) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}

/**
 * Logs every unexpected error (one without a public code) with its stack and the request id (one that
 * `recognize` knows as a warning, without it), and puts
 * the request id on every `INTERNAL_SERVER_ERROR` the client receives, so a report can be matched to
 * the log line.
 */
export function useErrorReporting(logger: Logger, options: { recognize?: FailureRecognizer } = {}): ApolloServerPlugin<BaseContext> {
  const requestIdOf = (context: unknown) => (context as { requestId?: unknown } | undefined)?.requestId;
  // The request's own logger carries its request id and trace id; the service's is the fallback.
  const loggerOf = (context: unknown) => (context as { logger?: Logger } | undefined)?.logger ?? logger;
  // Made once, not per request: see docs/performance.md, "Hooks made once".
  const hooks: GraphQLRequestListener<BaseContext> = {
    async didEncounterErrors({ errors, contextValue }) {
      for (const error of errors) {
        const recognized = options.recognize?.(error);
        if (recognized) {
          loggerOf(contextValue).warn(`${recognized.code}: ${error.message}`);
        } else if (!isPublicCode(error.extensions?.code)) {
          loggerOf(contextValue).error(`unexpected error at ${error.path?.join('.') ?? 'request'}`, error.originalError ?? error);
        }
      }
    },
    async willSendResponse({ response, contextValue }) {
      const requestId = requestIdOf(contextValue);
      if (response.body.kind !== 'single' || typeof requestId !== 'string') return;
      const errors = response.body.singleResult.errors;
      if (!errors?.some((error) => error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR)) return;
      response.body.singleResult.errors = errors.map((error) =>
        error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR ? { ...error, extensions: { ...error.extensions, requestId } } : error,
      );
    },
  };
  return {
    // A plugin hook that throws ends the request in a 500 that no other hook sees (Apollo Server logs
    // it without the request id): log it here with the request's logger, so the log line carries the
    // same request id as the answer (GraphQLService puts it there).
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      loggerOf(requestContext.contextValue).error('unexpected error processing the request', error);
    },
    async requestDidStart() {
      return hooks;
    },
  };
}
