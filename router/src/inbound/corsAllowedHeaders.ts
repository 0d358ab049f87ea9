/**
 * The request headers a browser may send cross-origin: what the common GraphQL clients send, so that a
 * page using one is not refused at the preflight. A header missing here fails the whole request in the
 * browser with a bare `TypeError`, which is why the list errs on the side of the clients.
 */
export const corsAllowedHeaders: readonly string[] = [
  'content-type',
  // CORS-safelisted only while short and plain; urql and graphql-request send long ones with `+json`.
  'accept',
  'authorization',
  // Apollo Server's CSRF prevention: Apollo Client sends them on GET and uploads.
  'apollo-require-preflight',
  'x-apollo-operation-name',
  // Apollo Client with `clientAwareness` (name and version) set: every request carries both.
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-query-plan-experimental',
  'apollo-query-plan-experimental-format',
  'x-request-id',
  // W3C trace context from a browser's OpenTelemetry instrumentation; the services continue the trace.
  'traceparent',
  'tracestate',
  // `no-cache` asks the router for a fresh answer instead of one from its response cache.
  'cache-control',
];
