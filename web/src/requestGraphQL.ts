import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import { routerUrl, sendDocumentIds } from './config';
import type { TypedDocumentString } from './__generated__/graphql';

/**
 * Codes the app gives to failures that never reached GraphQL, beside the API's own codes
 * (docs/errors.md), so that every error the person sees has one.
 */
export const ClientErrorCode = {
  /** The router could not be reached, or the browser refused its answer (CORS: see docs/clients.md). */
  NETWORK_ERROR: 'NETWORK_ERROR',
  /** The router answered with something that is not a GraphQL response. */
  BAD_RESPONSE: 'BAD_RESPONSE',
  /** What the person typed cannot be sent; found before any request. */
  INVALID_INPUT: 'INVALID_INPUT',
} as const;

/** One error as a person should see it: what went wrong, its stable code, and what it is about. */
export interface ErrorDetail {
  message: string;
  code: string;
  /** `extensions.field` of the API's error: the argument or input, e.g. `input.items[0].quantity`. */
  field?: string;
  /** The response field that failed, e.g. `user.orders`, for an error on one field of partial data. */
  path?: string;
}

/** A request that failed as a whole, or the errors that came with partial data. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** One entry per error, in the response's order. */
    readonly details: readonly ErrorDetail[],
    /** The HTTP status, when the router answered. */
    readonly status?: number,
  ) {
    super(details.map((detail) => `${detail.code}: ${detail.message}`).join('\n'));
  }

  /** True when one of the errors has this code. */
  has(code: string): boolean {
    return this.details.some((detail) => detail.code === code);
  }
}

/** An answer with data: the typed `data`, and the errors of the fields that failed, if any. */
export interface Answer<TResult> {
  data: TResult;
  /** Set when some fields failed (they are null in `data`, where the schema lets them be). */
  error?: ApiError;
}

/** How to send a request. */
export interface RequestOptions {
  /** A bearer token, sent as `Authorization: Bearer <token>`; anonymous without one. */
  token?: string | undefined;
}

/**
 * Sends one operation to the router as GraphQL over HTTP prescribes, and resolves with its typed data.
 * In development it is a `POST` of `{ query, variables }` as JSON. The production build sends the
 * operation's id from the manifest codegen wrote (`documentId`, see {@link sendDocumentIds}) and never
 * its text: a query as a `GET` (`?documentId=…&variables=…`), which the browser and a CDN may keep as
 * long as the answer's `Cache-Control` says, a mutation as a `POST` of `{ documentId, variables }`. The document comes from a
 * `graphql()` tag compiled by GraphQL Code Generator, so the result and variable types come from the
 * schema, not from hand-written interfaces:
 *
 * ```ts
 * const { data } = await requestGraphQL(UsersPageQuery, { first: 10 }, { token });
 * data.users.nodes[0]?.name; // string
 * ```
 *
 * A field that fails (such as `FORBIDDEN` on another user's orders) comes back as `null` with the rest
 * of the data intact: the promise resolves, with the errors in `error`. It rejects with an
 * {@link ApiError} when there is no data at all: the router cannot be reached, the request failed as a
 * whole (a 4xx such as `UNAUTHENTICATED` for a bad token, or a validation error), or a non-null root
 * field failed. Every error carries the API's `extensions.code` (docs/errors.md).
 */
export async function requestGraphQL<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: RequestOptions = {},
): Promise<Answer<TResult>> {
  const headers: Record<string, string> = { accept: 'application/graphql-response+json, application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(...describeRequest(document, variables, headers));
  } catch (error) {
    // A fetch that rejects tells the page nothing more, on purpose: the router is down, the URL is
    // wrong, or the router did not allow this page's origin (CORS).
    const reason = error instanceof Error ? error.message : String(error);
    throw new ApiError([{ code: ClientErrorCode.NETWORK_ERROR, message: `Could not reach the API at ${routerUrl} (${reason}).` }]);
  }

  let body: FormattedExecutionResult<TResult>;
  try {
    body = (await response.json()) as FormattedExecutionResult<TResult>;
  } catch {
    throw new ApiError([{ code: ClientErrorCode.BAD_RESPONSE, message: `The API answered HTTP ${response.status} without a GraphQL response.` }], response.status);
  }
  const error = body.errors?.length ? new ApiError(body.errors.map(toErrorDetail), response.status) : undefined;
  if (body.data === null || body.data === undefined) {
    throw error ?? new ApiError([{ code: ClientErrorCode.BAD_RESPONSE, message: `The API answered HTTP ${response.status} with neither data nor errors.` }], response.status);
  }
  return error ? { data: body.data, error } : { data: body.data };
}

/**
 * The fetch for one operation: by id in the production build (a query as a GET, so that it can be
 * cached), by text otherwise.
 */
function describeRequest<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, headers: Record<string, string>): [string, RequestInit] {
  const documentId = (document.__meta__ as { hash?: string } | undefined)?.hash;
  if (!sendDocumentIds || documentId === undefined) {
    return [routerUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: document.toString(), variables }) }];
  }
  // The client preset writes a document's operation first, its fragments after.
  if (!/^\s*mutation\b/.test(document.toString())) {
    const url = new URL(routerUrl);
    url.searchParams.set('documentId', documentId);
    url.searchParams.set('variables', JSON.stringify(variables));
    // The router's CSRF prevention runs a GET only with this header, which a plain <img> or form cannot send.
    return [url.href, { method: 'GET', headers: { ...headers, 'apollo-require-preflight': 'true' } }];
  }
  return [routerUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ documentId, variables }) }];
}

/** The parts of a GraphQL error a person can act on. */
function toErrorDetail(error: GraphQLFormattedError): ErrorDetail {
  const { code, field } = error.extensions ?? {};
  return {
    message: error.message,
    code: typeof code === 'string' ? code : 'UNKNOWN',
    ...(typeof field === 'string' ? { field } : {}),
    ...(error.path?.length ? { path: error.path.join('.') } : {}),
  };
}
