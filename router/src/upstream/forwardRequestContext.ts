import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { anonymous, randomHex, signatureHeaders, traceparentOf } from '@fedstack/server';
import type { RouterContext } from '../context';

/**
 * The request kind the gateway's data sources treat as a client's operation. `@apollo/gateway` keeps
 * its `GraphQLDataSourceRequestKind` enum out of its entry point, so its value (a stable string the data
 * sources compare against) is named here rather than imported from the package's dist/ internals.
 */
export const incomingOperation = 'incoming operation' as Extract<GraphQLDataSourceProcessOptions, { incomingRequestContext: unknown }>['kind'];

/**
 * What travels with every subgraph request beside the operation: the verified identity (which the
 * subgraph trusts only because the signing fetcher covers it with the signature), the request id, and
 * the trace with a span of its own for this call. Health checks and live composition's introspection
 * come without a client request: anonymous, no id, no trace. Both data sources (stock's and the
 * router's executor's) send these, so either executor forwards the same.
 */
export function forwardedHeaders(context: Partial<RouterContext>): Record<string, string> {
  const headers: Record<string, string> = {};
  const viewer = context.viewer ?? anonymous;
  if (viewer.userId) headers[signatureHeaders.userId] = viewer.userId;
  if (viewer.roles.length > 0) headers[signatureHeaders.roles] = viewer.roles.join(',');
  if (context.requestId) headers['x-request-id'] = context.requestId;
  if (context.trace) headers.traceparent = traceparentOf({ ...context.trace, spanId: randomHex(8) });
  return headers;
}

/**
 * Records the root fields a subgraph answered `null` for, for useSettledRootNulls. Entity fetches
 * answer `_entities`, not root fields; a request without a client (introspection) records nothing.
 */
export function recordRootNulls(context: Partial<RouterContext>, data: Record<string, unknown> | null | undefined): void {
  if (!data || !context.rootNulls || '_entities' in data) return;
  for (const key in data) if (data[key] === null) context.rootNulls.add(key);
}
