/** What a GraphQL request over HTTP came back with. */
export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: TData | null;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
    extensions?: Record<string, unknown>;
  };
}

let defaultHeaders: Record<string, string> = {};

/**
 * Sets headers every {@link postGraphQL} call in this test file sends unless it says otherwise, e.g. an
 * admin's token for tests about data rather than access (jest gives each test file its own modules).
 */
export function useDefaultHeaders(headers: Record<string, string>): void {
  defaultHeaders = headers;
}

/** POSTs a GraphQL operation as JSON, the way a web app does. */
export async function postGraphQL<TData = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...defaultHeaders, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<TData>['body'] };
}
