import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import type { GatewayCacheHint, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLErrorExtensions } from 'graphql';
import type { RouterContext } from '../context';
import { BufferResponse } from './BufferResponse';
import { forwardedHeaders, incomingOperation, recordRootNulls } from './forwardRequestContext';

/** Where and through what {@link createSubgraphDataSource} sends one subgraph's operations. */
export interface SubgraphDataSourceOptions {
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /**
   * What sends each request: the router's stack of fetchers (deduplication, resilience, signing) over
   * its HTTP client, the same stack the stock data source uses, so every policy holds either way.
   */
  fetcher: Fetcher;
}

/**
 * A subgraph data source for the router's executor: what Apollo Gateway's `RemoteGraphQLDataSource`
 * plus the router's forwarded headers (`SubgraphDataSource.ts`) do for a query plan's fetch,
 * without what they cost per call. Stock builds a node-fetch `Headers`, a `Request` it never sends,
 * copies the headers into a plain object, and spreads the request twice; here the headers are one
 * plain object built once, the body is serialised once, and the answer is parsed once (by the
 * fetcher's {@link FetcherResponse}, a Buffer read whole).
 *
 * The contract is the stock one, which the differential suite holds it to: the same headers and body
 * reach the subgraph; a non-2xx answer becomes the error `"<status>: <statusText>"` with
 * `extensions.response` (and `UNAUTHENTICATED`/`FORBIDDEN` for 401/403); a body that is not a JSON
 * object is an error; the subgraph's `Cache-Control` restricts the request's cache policy (a missing
 * `max-age` makes it uncacheable); and the root fields a subgraph answered `null` for are recorded for
 * useSettledRootNulls. Not carried over, as the router never uses them: automatic persisted queries
 * to subgraphs.
 */
export function createSubgraphDataSource(options: SubgraphDataSourceOptions): GraphQLDataSource<RouterContext> {
  const { url, fetcher } = options;
  return {
    async process(processOptions: GraphQLDataSourceProcessOptions<RouterContext>): Promise<GatewayGraphQLResponse> {
      const { request } = processOptions;
      if (!request.query) throw new Error('Missing query');
      // Health checks and live composition's introspection come without a client request: anonymous.
      const context = processOptions.context as Partial<RouterContext>;
      const headers: Record<string, string> = {};
      if (request.http) for (const [name, value] of request.http.headers) headers[name.toLowerCase()] = value;
      headers['content-type'] = 'application/json';
      Object.assign(headers, forwardedHeaders(context));

      // Stock sends the request's own fields in their order (query, variables, operationName), `http` left out.
      const body = JSON.stringify(request.http === undefined ? request : { ...request, http: undefined });
      const response = await fetcher(url, { method: 'POST', headers, body });
      if (context.admission && response instanceof BufferResponse) context.admission.receivedBytes += response.byteLength;
      if (!response.ok) throw await errorFromResponse(response);
      const parsed = await parseBody(response);
      if (!isObject(parsed)) throw new Error(`Expected JSON response body, but received: ${String(parsed)}`);
      const result = parsed as GatewayGraphQLResponse;

      recordRootNulls(context, result.data);
      if (processOptions.kind === incomingOperation) {
        const policy = processOptions.incomingRequestContext.overallCachePolicy;
        if (policy && 'restrict' in policy) policy.restrict(cacheHintOf(response.headers.get('cache-control')));
      }
      return result;
    },
  };
}

function isObject(value: unknown): value is object {
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** JSON when the answer says it is JSON (or GraphQL over HTTP's JSON), else text: as stock's `parseBody`. */
function parseBody(response: FetcherResponse): Promise<unknown> {
  const contentType = response.headers.get('content-type');
  if (contentType && (contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json'))) return response.json();
  return response.text();
}

/** Stock's `errorFromResponse`: the status line as the message, the answer under `extensions.response`. */
async function errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
  const body = await parseBody(response);
  const extensions: GraphQLErrorExtensions = {
    response: { url: response.url, status: response.status, statusText: response.statusText, body },
  };
  if (response.status === 401) extensions.code = 'UNAUTHENTICATED';
  else if (response.status === 403) extensions.code = 'FORBIDDEN';
  return new GraphQLError(`${response.status}: ${response.statusText}`, { extensions });
}

/**
 * A subgraph's `Cache-Control` as a cache hint, as stock reads it: `max-age` when it is a whole number,
 * else 0 (uncacheable); `private`, then `public`, set the scope. A `Cache-Control` parser in the manner
 * of http-cache-semantics (Apollo Gateway's `parseCacheControlHeader`), with the same results.
 */
function cacheHintOf(header: string | null | undefined): GatewayCacheHint {
  const hint: GatewayCacheHint = { maxAge: 0 };
  if (!header) return hint;
  // The last of a repeated directive wins, as in stock's parse into an object.
  let maxAge: string | true | undefined;
  let isPrivate = false;
  let isPublic = false;
  for (const part of header.trim().split(/\s*,\s*/)) {
    const [name, value] = part.split(/\s*=\s*/, 2) as [string, string | undefined];
    const parsed = value === undefined ? true : value.replace(/^"|"$/g, '');
    if (name === 'max-age') maxAge = parsed;
    else if (name === 'private') isPrivate = parsed === true;
    else if (name === 'public') isPublic = parsed === true;
  }
  if (typeof maxAge === 'string' && /^[0-9]+$/.test(maxAge)) hint.maxAge = +maxAge;
  if (isPrivate) hint.scope = 'PRIVATE';
  if (isPublic) hint.scope = 'PUBLIC';
  return hint;
}
