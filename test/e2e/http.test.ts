import { startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ env: { CORS_ALLOWED_ORIGINS: 'http://app.test, http://other.test' } });
});
afterAll(() => stack.stop());

async function send(init: RequestInit & { path?: string }) {
  const url = init.path ? stack.routerUrl.replace('/graphql', init.path) : stack.routerUrl;
  const response = await fetch(url, init);
  return { status: response.status, body: (await response.json()) as { errors?: Array<{ message: string; extensions?: { code?: string } }> } };
}

describe('requests the router refuses before any subgraph is called', () => {
  it('answers a body that is not JSON with 400 and BAD_USER_INPUT', async () => {
    const { status, body } = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers a body over 1 MiB with 413 and PAYLOAD_TOO_LARGE', async () => {
    const { status, body } = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ __typename }`, pad: 'x'.repeat(1_100_000) }) });
    expect(status).toBe(413);
    expect(body.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a query that does not validate with 400 and GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ user(id: "x") { password } }' }) });
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses a mutation sent with GET', async () => {
    const query = encodeURIComponent('mutation { cancelOrder(id: "aaaaaaaaaaaaaaaaaaaaaaaa") { id } }');
    const { status, body } = await send({ method: 'GET', path: `/graphql?query=${query}`, headers: { 'apollo-require-preflight': 'true' } });
    expect(status).toBe(405);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
  });

  it('answers other paths with 404 and NOT_FOUND', async () => {
    const { status, body } = await send({ method: 'GET', path: '/nope' });
    expect(status).toBe(404);
    expect(body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('reports itself live and ready', async () => {
    expect(await send({ method: 'GET', path: '/health/live' })).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await send({ method: 'GET', path: '/health/ready' })).toEqual({ status: 200, body: { status: 'ok', checks: {} } });
  });
});

describe('CORS', () => {
  it('answers a preflight from an allowed origin with the methods and headers a GraphQL client sends', async () => {
    const response = await fetch(stack.routerUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, cache-control' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://app.test');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-headers')).toContain('cache-control');
  });

  it.each([
    // `clientAwareness: { name, version }` makes Apollo Client send these two on every request.
    ['Apollo Client', 'content-type, apollographql-client-name, apollographql-client-version, authorization'],
    ['Apollo Client over GET', 'apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version'],
    ['urql', 'accept, content-type, authorization'],
    ['graphql-request', 'accept, content-type, authorization'],
    ['Relay', 'accept, content-type, authorization'],
    ['OpenTelemetry in the browser', 'content-type, traceparent, tracestate'],
  ])('allows every header %s sends in its preflight', async (_client, requested) => {
    const response = await fetch(stack.routerUrl, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.test', 'access-control-request-method': 'POST', 'access-control-request-headers': requested },
    });
    const allowed = (response.headers.get('access-control-allow-headers') ?? '').split(',').map((name) => name.trim());
    expect(requested.split(', ').filter((name) => !allowed.includes(name))).toEqual([]);
  });

  it('lets an allowed origin read the answer, and gives another origin no CORS headers', async () => {
    const post = (origin: string) =>
      fetch(stack.routerUrl, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    const allowed = await post('http://other.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://other.test');
    // The request id, and the age of an answer from the response cache, are readable by the page.
    expect(allowed.headers.get('access-control-expose-headers')).toBe('x-request-id, age');
    const refused = await post('http://evil.test');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(refused.headers.get('vary')).toContain('Origin');
  });
});
