import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { RouterContext } from '../context';
import { forwardedHeaders, recordRootNulls } from './forwardRequestContext';

/** What the gateway hands {@link SubgraphDataSource.didReceiveResponse}. */
type DidReceiveResponse = Parameters<NonNullable<RemoteGraphQLDataSource<RouterContext>['didReceiveResponse']>>[0];

/**
 * Apollo Gateway's data source for the stock executor, with what the router forwards to every subgraph
 * (the verified identity, the request id, the trace) and the root nulls it records (see
 * forwardRequestContext.ts, which the router's own data source uses too).
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    for (const [name, value] of Object.entries(forwardedHeaders(context))) headers.set(name, value);
  }

  /** Records the root fields this subgraph answered `null` for (see useSettledRootNulls). */
  override didReceiveResponse({ response, context }: DidReceiveResponse): DidReceiveResponse['response'] {
    recordRootNulls(context, response.data);
    return response;
  }
}
