import { GraphQLError, type GraphQLFormattedError } from 'graphql';

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
  /** Anything unexpected. The detail is logged, never sent outside development. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** The HTTP status each code stands for when it fails a whole request. */
export const errorStatus: Readonly<Record<ErrorCode, number>> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.EMAIL_TAKEN]: 409,
  [ErrorCode.ORDER_NOT_CANCELLABLE]: 409,
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
 * A `BAD_USER_INPUT` error naming the argument or input field at fault, for example `input.items[0].quantity`.
 */
export function badUserInput(field: string, message: string): GraphQLError {
  return codedError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, { field });
}

const publicCodes = new Set<string>(Object.values(ErrorCode));

/**
 * Builds Apollo Server's `formatError`: errors with a known code (ours, and GraphQL's own validation and
 * parse errors) pass through; anything else (a bug, a driver error) is masked as `INTERNAL_SERVER_ERROR`
 * unless `development` is set. The stack trace is sent only in development.
 */
export function createErrorFormatter(options: { development: boolean; onUnexpected?: (error: unknown) => void }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const known = typeof code === 'string' && (publicCodes.has(code) || isGraphQLRequestCode(code));
    if (known || options.development) {
      if (options.development) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    options.onUnexpected?.(error);
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
