import { demoUsers } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

beforeAll(async () => useDefaultHeaders(await asAdmin()));

const user = demoUsers(1)[0]!;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ seed: { users: 20, orders: 100 }, subgraphDelayMs: { users: 0, orders: 0 } });
});
afterAll(() => stack.stop());

const metricsOf = async (graphqlUrl: string) => (await fetch(graphqlUrl.replace('/graphql', '/metrics'))).text();

describe('metrics', () => {
  beforeAll(async () => {
    await postGraphQL(stack.routerUrl, `query UserWithOrders($id: ID!) { user(id: $id) { name orders { nodes { id } } } }`, { id: user._id.toHexString() });
    await postGraphQL(stack.routerUrl, `query Listing { users(first: 10) { nodes { name orders(first: 2) { totalCount } } } }`);
    await postGraphQL(stack.routerUrl, `query Broken { user(id: "nope") { name } }`);
  });

  it('show the router\'s requests by operation and outcome, errors by code, and subgraph fetches', async () => {
    const text = await metricsOf(stack.routerUrl);
    expect(text).toMatch(/graphql_requests_total\{[^}]*operation="UserWithOrders",type="query",outcome="success"[^}]*\} 1/);
    expect(text).toMatch(/graphql_request_duration_seconds_bucket\{[^}]*operation="Listing"/);
    expect(text).toMatch(/graphql_errors_total\{[^}]*code="BAD_USER_INPUT"[^}]*\} [1-9]/);
    expect(text).toMatch(/subgraph_fetch_duration_seconds_count\{[^}]*subgraph="orders",outcome="success"[^}]*\} [1-9]/);
    expect(text).toMatch(/process_cpu_user_seconds_total\{service="router"\}/);
  });

  it('show a subgraph\'s DataLoader batch sizes, MongoDB command durations and pool', async () => {
    const text = await metricsOf(stack.orders.url);
    expect(text).toMatch(/dataloader_batch_size_sum\{[^}]*loader="ordersOfUser"[^}]*\} 1\d/);
    expect(text).toMatch(/mongodb_command_duration_seconds_count\{[^}]*command="find",outcome="success"[^}]*\} [1-9]/);
    expect(text).toMatch(/mongodb_pool_connections\{[^}]*state="open"[^}]*\} [1-9]/);
  });

  it('keep operation names bounded: a client inventing names cannot grow them without end', async () => {
    await Promise.all(Array.from({ length: 130 }, (_, i) => postGraphQL(stack.routerUrl, `query Invented${i} { __typename }`)));
    const names = new Set([...(await metricsOf(stack.routerUrl)).matchAll(/graphql_requests_total\{[^}]*operation="([^"]+)"/g)].map((m) => m[1]));
    expect(names.size).toBeLessThanOrEqual(101);
    expect(names).toContain('other');
  });
});

describe('request ids and traces', () => {
  it('keep the caller\'s request id and trace, echo the id, and send both to the subgraphs', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { headers } = await postGraphQL(stack.routerUrl, `{ user(id: "${user._id.toHexString()}") { name orders { totalCount } } }`, {}, {
      'x-request-id': 'client-req-42',
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    expect(headers.get('x-request-id')).toBe('client-req-42');
    for (const proxy of [stack.proxies.users!, stack.proxies.orders!]) {
      const last = proxy.seen.at(-1)!;
      expect(last['x-request-id']).toBe('client-req-42');
      expect(last.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(last.traceparent).not.toContain('00f067aa0ba902b7');
      // The client's token stays at the router.
      expect(last.authorization).toBeUndefined();
    }
  });

  it('make a request id when the caller sends none, or a malformed one', async () => {
    const { headers } = await postGraphQL(stack.routerUrl, '{ __typename }', {}, { 'x-request-id': 'bad id with spaces' });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
