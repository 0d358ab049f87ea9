import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { anonymous, randomHex, signatureHeaders, traceparentOf } from '@fedstack/server';
import type { RouterContext } from '../context';

/** What the gateway hands {@link SubgraphDataSource.didReceiveResponse}. */
type DidReceiveResponse = Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>['didReceiveResponse']>>[0];

/**
 * Sends the verified identity and the request id along with every subgraph request. The subgraph trusts
 * these headers only because the signing fetcher covers them with the signature.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    // Live composition introspects without a client request: no viewer, anonymous.
    const viewer = context.viewer ?? anonymous;
    if (viewer.userId) headers.set(signatureHeaders.userId, viewer.userId);
    if (viewer.roles.length > 0) headers.set(signatureHeaders.roles, viewer.roles.join(','));
    if (context.requestId) headers.set('x-request-id', context.requestId);
    // The same trace, with a span of its own for this subgraph call.
    if (context.trace) headers.set('traceparent', traceparentOf({ ...context.trace, spanId: randomHex(8) }));
  }

  /** Records the root fields this subgraph answered `null` for (see useSettledRootNulls). */
  override didReceiveResponse({ response, context }: DidReceiveResponse): DidReceiveResponse['response'] {
    const data = response.data;
    // Entity fetches answer `_entities`, not root fields; live composition's introspection has no request context.
    if (data && context.rootNulls && !('_entities' in data)) {
      for (const key in data) if (data[key] === null) context.rootNulls.add(key);
    }
    return response;
  }
}
