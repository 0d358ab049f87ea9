import { createRouterService, loadConfig as loadRouterConfig } from '@fedstack/router';
import { demoOrders, demoUsers } from '@fedstack/devkit';
import { anonymousHeaders, asAdmin, asUser } from '../support/auth';
import { postGraphQL } from '../support/graphql';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import { startStack, type Stack } from '../support/stack';
import { settleWithin, waitFor } from '../support/waitFor';
import { routerExecutorEnv } from '../support/routerExecutor';
import { readCounter, whileHeld } from '../support/whileHeld';

const seed = { users: 20, orders: 100 };
const [alice, bob] = demoUsers(2).map((user) => user._id.toHexString()) as [string, string];
const demoOrderId = demoOrders(demoUsers(seed.users), seed.orders)[0]!._id.toHexString();
const publicUsers = 'query Directory($n: Int) { users(first: $n) { nodes { id name } pageInfo { hasNextPage } } }';

/** What one request sent to each subgraph's database. */
function commandCounts(stack: Stack) {
  return { users: stack.usersCommands.commands.length, orders: stack.ordersCommands.commands.length };
}

/** Posts and returns the answer with the commands it cost (no other request may run meanwhile). */
async function measured(stack: Stack, url: string, query: string, variables: Record<string, unknown>, headers: Record<string, string>) {
  stack.usersCommands.clear();
  stack.ordersCommands.clear();
  const response = await postGraphQL(url, query, variables, headers);
  return { ...response, commands: commandCounts(stack) };
}

describe('the response cache (in memory, the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed });
  });
  afterAll(() => stack.stop());

  it('answers a repeated public query from the cache, for anyone, with Age and without touching a subgraph', async () => {
    const first = await measured(stack, stack.routerUrl, publicUsers, { n: 3 }, anonymousHeaders);
    expect(first.body.errors).toBeUndefined();
    expect(first.headers.get('cache-control')).toBe('max-age=30, public');
    expect(first.headers.get('age')).toBeNull();
    expect(first.commands.users).toBe(1);

    // Another identity asks the same public query: the same answer, from the cache.
    const again = await measured(stack, stack.routerUrl, publicUsers, { n: 3 }, await asUser(bob));
    expect(again.body).toEqual(first.body);
    // Whole seconds: a missing Age (null) must fail here, which Number(null) >= 0 did not.
    expect(again.headers.get('age')).toMatch(/^\d+$/);
    expect(again.headers.get('cache-control')).toBe('max-age=30, public');
    expect(again.commands).toEqual({ users: 0, orders: 0 });
  });

  it('keys entries by variables: another page size is another answer', async () => {
    await postGraphQL(stack.routerUrl, publicUsers, { n: 4 }, anonymousHeaders);
    const other = await measured(stack, stack.routerUrl, publicUsers, { n: 5 }, anonymousHeaders);
    expect(other.headers.get('age')).toBeNull();
    expect(other.commands.users).toBe(1);
    expect((other.body.data as { users: { nodes: unknown[] } }).users.nodes).toHaveLength(5);
  });

  it('never stores a private answer: an owner’s e-mail is not served to anyone else', async () => {
    const query = 'query Me($id: ID!) { user(id: $id) { name email } }';
    const own = await measured(stack, stack.routerUrl, query, { id: alice }, await asUser(alice));
    expect(own.body.errors).toBeUndefined();
    expect((own.body.data as { user: { email: string } }).user.email).toMatch(/@/);
    expect(own.headers.get('cache-control')).toBe('max-age=30, private');

    const ownAgain = await measured(stack, stack.routerUrl, query, { id: alice }, await asUser(alice));
    expect(ownAgain.headers.get('age')).toBeNull();
    expect(ownAgain.commands.users).toBe(1);

    const stranger = await measured(stack, stack.routerUrl, query, { id: alice }, await asUser(bob));
    expect(stranger.headers.get('age')).toBeNull();
    expect(stranger.body.data).toEqual({ user: { name: expect.any(String), email: null } });
    expect(stranger.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const anonymous = await measured(stack, stack.routerUrl, query, { id: alice }, anonymousHeaders);
    expect(anonymous.body.data).toEqual({ user: { name: expect.any(String), email: null } });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('does not cache answers with orders (no hints: uncacheable) nor answers with errors', async () => {
    const query = 'query($id: ID!) { user(id: $id) { name orders(first: 2) { nodes { id } } } }';
    const admin = await asAdmin();
    const first = await measured(stack, stack.routerUrl, query, { id: alice }, admin);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await measured(stack, stack.routerUrl, query, { id: alice }, admin);
    expect(second.headers.get('age')).toBeNull();
    expect(second.commands.orders).toBe(1);

    const invalid = 'query($id: ID!) { user(id: $id) { name } }';
    const bad = await postGraphQL(stack.routerUrl, invalid, { id: 'not-an-id' }, anonymousHeaders);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badAgain = await postGraphQL(stack.routerUrl, invalid, { id: 'not-an-id' }, anonymousHeaders);
    expect(badAgain.headers.get('age')).toBeNull();
    expect(badAgain.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('never caches a mutation', async () => {
    const placeOrder = `mutation { placeOrder(input: { userId: "${bob}", items: [{ sku: "SKU-CACHE", name: "Cache test", quantity: 1, unitPrice: 100 }] }) { id } }`;
    const headers = await asUser(bob);
    const first = await postGraphQL<{ placeOrder: { id: string } }>(stack.routerUrl, placeOrder, {}, headers);
    const second = await postGraphQL<{ placeOrder: { id: string } }>(stack.routerUrl, placeOrder, {}, headers);
    expect(first.body.errors).toBeUndefined();
    expect(second.headers.get('age')).toBeNull();
    expect(second.body.data?.placeOrder.id).not.toBe(first.body.data?.placeOrder.id);
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments({ 'items.sku': 'SKU-CACHE' })).toBe(2);
  });

  it('answers fresh when the request says Cache-Control: no-cache, and counts hits and misses in /metrics', async () => {
    await postGraphQL(stack.routerUrl, publicUsers, { n: 6 }, anonymousHeaders);
    const fresh = await measured(stack, stack.routerUrl, publicUsers, { n: 6 }, { ...anonymousHeaders, 'cache-control': 'no-cache' });
    expect(fresh.headers.get('age')).toBeNull();
    expect(fresh.commands.users).toBe(1);
    const hit = await measured(stack, stack.routerUrl, publicUsers, { n: 6 }, anonymousHeaders);
    expect(hit.headers.get('age')).toMatch(/^\d+$/);
    // Asking for the query plan (exposed outside production) is asking for more than the cached answer.
    const withPlan = await measured(stack, stack.routerUrl, publicUsers, { n: 6 }, { ...anonymousHeaders, 'apollo-query-plan-experimental': '1' });
    expect(withPlan.headers.get('age')).toBeNull();
    expect(withPlan.body.extensions).toHaveProperty('__queryPlanExperimental');

    const metrics = await (await fetch(stack.routerUrl.replace('/graphql', '/metrics'))).text();
    expect(Number(/graphql_response_cache_total\{result="hit"[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(Number(/graphql_response_cache_total\{result="miss"[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
    expect(Number(/graphql_response_cache_total\{result="bypass"[^}]*\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });
});

describe('the response cache with identical queries in flight, and with partial answers', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A proxy in front of the users subgraph, which the first test holds so that identical requests overlap.
    stack = await startStack({ seed, subgraphDelayMs: { users: 0 } });
  });
  afterAll(() => stack.stop());

  it('gives requests that waited for an identical one the same cache policy', async () => {
    const waited = () => readCounter(stack.routerUrl, 'graphql_deduplicated_requests_total');
    const waitedBefore = await waited();
    // The users subgraph holds the first request until the four others wait for its answer.
    const answers = await whileHeld(
      [stack.proxies.users!],
      () => Promise.all(Array.from({ length: 5 }, () => postGraphQL(stack.routerUrl, publicUsers, { n: 10 }, anonymousHeaders))),
      'four requests waiting for an identical one in flight',
      async () => (await waited()) - waitedBefore >= 4,
    );
    expect(answers.map((answer) => answer.headers.get('cache-control'))).toEqual(Array(5).fill('max-age=30, public'));
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
  });

  it('does not store an answer with errors even when what did arrive is public', async () => {
    // Public users next to an order from a subgraph that is down: public data, and an error.
    const query = `query($id: ID!) { users(first: 2) { nodes { id } } order(id: $id) { id } }`;
    const variables = { id: demoOrderId };
    await stack.orders.stop();
    try {
      for (let i = 0; i < 2; i++) {
        const answer = await measured(stack, stack.routerUrl, query, variables, await asAdmin());
        expect(answer.body.errors?.[0]?.extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
        expect((answer.body.data as { users: { nodes: unknown[] } }).users.nodes).toHaveLength(2);
        expect(answer.headers.get('age')).toBeNull();
        expect(answer.commands.users).toBe(1);
      }
    } finally {
      await stack.restartOrders();
    }
  });
});

describe('RESPONSE_CACHE=false', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, env: { RESPONSE_CACHE: 'false' } });
  });
  afterAll(() => stack.stop());

  it('runs every query, still telling clients the answer’s cache policy', async () => {
    await postGraphQL(stack.routerUrl, publicUsers, { n: 3 }, anonymousHeaders);
    const again = await measured(stack, stack.routerUrl, publicUsers, { n: 3 }, anonymousHeaders);
    expect(again.headers.get('age')).toBeNull();
    expect(again.headers.get('cache-control')).toBe('max-age=30, public');
    expect(again.commands.users).toBe(1);
  });
});

/**
 * Nothing here measures time: that an answer did not wait for a Redis that is down or frozen shows in
 * that it came at all, since Redis comes back only after the test has its answers; the deadlines are
 * give-up bounds. Waiting for the routers to reach Redis (connecting is not awaited at start) is a
 * bounded poll. REDIS_TIMEOUT_MS is 1 s rather than 100 ms, so that a loaded machine does not make
 * commands to a healthy Redis time out, which would make the router pause its cache for 5 s.
 */
describe('the response cache in Redis (REDIS_URL)', () => {
  let redis: RedisServer;
  let stack: Stack;
  let second: ReturnType<typeof createRouterService>;
  let secondUrl: string;
  beforeAll(async () => {
    redis = await startRedisServer();
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: `test-${process.pid}:`, REDIS_TIMEOUT_MS: '1000' };
    stack = await startStack({ seed, env });
    // A second router on the same subgraphs and the same Redis: another instance of one deployment.
    second = createRouterService(
      loadRouterConfig({ ...routerExecutorEnv(), ...env, NODE_ENV: 'test', LOG_LEVEL: 'silent', ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0', SUBGRAPH_USERS_URL: stack.usersUrl, SUBGRAPH_ORDERS_URL: stack.ordersUrl }),
    );
    secondUrl = await second.start();
    // Each router connects to Redis in the background: the first test must not start before the second has.
    await untilCached(secondUrl, { n: 1 });
  });
  afterAll(async () => {
    try {
      await second?.stop();
      await stack?.stop();
    } finally {
      await redis?.stop();
    }
  });

  /**
   * Asks until the router at `url` answers from Redis (it has connected, and the answer is stored, by it
   * or by the other router), and returns that answer with the commands it cost.
   */
  function untilCached(url: string, variables: Record<string, unknown>) {
    return waitFor(
      `answered from Redis at ${url}`,
      async () => {
        const answer = await measured(stack, url, publicUsers, variables, anonymousHeaders);
        return answer.headers.get('age') === null ? undefined : answer;
      },
      { everyMs: 100 },
    );
  }

  it('shares answers between routers: one stores, the other answers from Redis', async () => {
    // Once the second router has reached Redis too (on a query of its own), the first stores an answer.
    await untilCached(secondUrl, { n: 1 });
    await untilCached(stack.routerUrl, { n: 2 });
    const fromOther = await measured(stack, secondUrl, publicUsers, { n: 2 }, anonymousHeaders);
    expect(fromOther.body.errors).toBeUndefined();
    expect(fromOther.headers.get('age')).toMatch(/^\d+$/);
    expect(fromOther.commands).toEqual({ users: 0, orders: 0 });
  });

  it('answers without the cache while Redis is down, and caches again when it is back', async () => {
    await redis.stop();
    for (const url of [stack.routerUrl, secondUrl]) {
      // Redis is down until after this loop: an answer that waited for it would never come.
      const answer = await settleWithin(measured(stack, url, publicUsers, { n: 7 }, anonymousHeaders), 'answered while Redis was down');
      expect(answer.body.errors).toBeUndefined();
      expect(answer.headers.get('age')).toBeNull();
      expect(answer.commands.users).toBe(1);
    }
    await redis.start();
    await untilCached(stack.routerUrl, { n: 7 });
    // Each router reconnects on its own schedule: the second one too, in time.
    const fromOther = await untilCached(secondUrl, { n: 7 });
    expect(fromOther.body.errors).toBeUndefined();
    expect(fromOther.commands).toEqual({ users: 0, orders: 0 });
  });

  it('answers without the cache while Redis is frozen (connected, silent), and stops without waiting for it', async () => {
    await untilCached(secondUrl, { n: 8 });
    redis.freeze();
    try {
      // Each request waits at most REDIS_TIMEOUT_MS for Redis; after three silences in a row the router
      // drops the connection and leaves Redis alone for a while, and is stopped in that while. Redis
      // thaws only after the stop: a request or a stop that waited for it would never end.
      for (let i = 0; i < 6; i++) {
        const answer = await settleWithin(measured(stack, secondUrl, publicUsers, { n: 8 }, anonymousHeaders), 'answered while Redis was frozen');
        expect(answer.body.errors).toBeUndefined();
        expect(answer.headers.get('age')).toBeNull();
        expect(answer.commands.users).toBe(1);
      }
      await settleWithin(second.stop(), 'stopped while Redis was frozen');
    } finally {
      redis.thaw();
    }
    // After the pause a fresh connection is made, and answers are cached again.
    await untilCached(stack.routerUrl, { n: 9 });
  });
});
