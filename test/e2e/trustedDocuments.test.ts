import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env, GraphQLService } from '@fedstack/server';
import { createRouterService, loadConfig, type RouterContext, webManifestPath } from '@fedstack/router';
import { demoUsers } from '@fedstack/devkit';
import { publishDocuments } from '../../scripts/lib/publishDocuments';
import { anonymousHeaders, asAdmin, asUser } from '../support/auth';
import { postGraphQL, type GraphQLResponse } from '../support/graphql';
import { startRedisServer, type RedisServer } from '../support/redisServer';
import { startStack, type Stack } from '../support/stack';
import { routerExecutorEnv } from '../support/routerExecutor';

/**
 * Trusted documents end to end: real routers in each mode in front of one real pair of subgraphs, the
 * web app's manifest as codegen wrote it, and requests as clients send them, by POST and by GET.
 */
const seed = { users: 12, orders: 40 };
const users = demoUsers(seed.users);
const firstUserId = users[0]!._id.toHexString();
const webManifest = JSON.parse(readFileSync(webManifestPath, 'utf8')) as Record<string, string>;
/** The web app's operations: their ids and texts, by name. */
const operation = (name: string) => {
  const found = Object.entries(webManifest).find(([, text]) => new RegExp(`^(fragment [^]*? )?(query|mutation) ${name}\\b`).test(text));
  if (!found) throw new Error(`no ${name} in the web app's manifest`);
  return { id: found[0], hash: found[0].slice('sha256:'.length), text: found[1] };
};
const usersPage = operation('UsersPage');
const userOrders = operation('UserOrders');
const placeOrder = operation('PlaceOrder');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

let stack: Stack;
let manifests: string;
const routers: Array<GraphQLService<RouterContext>> = [];

/** Starts another router on the stack's subgraphs, with these settings. */
async function startRouter(env: Env): Promise<string> {
  const router = createRouterService(
    loadConfig({ ...routerExecutorEnv(), LOG_LEVEL: 'silent', ROUTER_HOST: '127.0.0.1', ROUTER_PORT: '0', SUBGRAPH_USERS_URL: stack.usersUrl, SUBGRAPH_ORDERS_URL: stack.ordersUrl, ...env }),
  );
  routers.push(router);
  return router.start();
}

/** POSTs a JSON body as it is, for the envelopes postGraphQL does not send. */
async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

/** A GET with these search parameters, as Apollo Client and the web app send it (CSRF prevention wants the header). */
async function get(url: string, params: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) target.searchParams.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  const response = await fetch(target, { headers: { 'apollo-require-preflight': 'true', ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] };
}

const codeOf = (response: GraphQLResponse) => [response.status, response.body.errors?.[0]?.extensions?.code];

/** Asks until `check` holds, at most 100 times 50 ms apart; resolves with its last answer. */
async function until<T>(ask: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  let value = await ask();
  for (let attempt = 0; attempt < 100 && !check(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await ask();
  }
  return value;
}

beforeAll(async () => {
  stack = await startStack({ seed });
  manifests = mkdtempSync(join(tmpdir(), 'fedstack-manifests-'));
  copyFileSync(webManifestPath, join(manifests, 'web.json'));
}, 60_000);

afterAll(async () => {
  await Promise.all(routers.map((router) => router.stop()));
  await stack?.stop();
  if (manifests) rmSync(manifests, { recursive: true, force: true });
});

describe('in allow mode (the development default)', () => {
  let url: string;
  beforeAll(async () => {
    url = await startRouter({ PERSISTED_DOCUMENTS_PATH: manifests });
  });

  it('runs an operation by its documentId, by Apollo\'s sha256Hash, and by its text, with the same answer', async () => {
    const variables = { first: 3 };
    const byText = await postGraphQL(url, usersPage.text, variables);
    expect(byText.body.data).toMatchObject({ users: { totalCount: seed.users } });
    expect((await post(url, { documentId: usersPage.id, variables })).body).toEqual(byText.body);
    expect((await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: usersPage.hash } }, variables })).body).toEqual(byText.body);
  });

  it('refuses an unknown documentId with 400, and answers an unknown Apollo hash so that the client registers it', async () => {
    const unknown = sha256('query Nobody { __typename }');
    expect(codeOf(await post(url, { documentId: `sha256:${unknown}` }))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(codeOf(await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } }))).toEqual([200, 'PERSISTED_QUERY_NOT_FOUND']);
  });

  it('registers an Apollo hash sent with its text, and runs it by the hash alone afterwards', async () => {
    const text = 'query Registered { users(first: 1) { totalCount } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    expect(codeOf(await post(url, { extensions }))).toEqual([200, 'PERSISTED_QUERY_NOT_FOUND']);
    expect((await post(url, { query: text, extensions })).body).toEqual({ data: { users: { totalCount: seed.users } } });
    expect((await post(url, { extensions })).body).toEqual({ data: { users: { totalCount: seed.users } } });
  });

  it('refuses an id sent together with a different text, unparsed', async () => {
    const other = '{ users(first: 100) { nodes { email } } }';
    expect(codeOf(await post(url, { documentId: usersPage.id, query: other }))).toEqual([400, 'PERSISTED_DOCUMENT_MISMATCH']);
    expect(codeOf(await post(url, { query: other, extensions: { persistedQuery: { version: 1, sha256Hash: usersPage.hash } } }))).toEqual([400, 'PERSISTED_DOCUMENT_MISMATCH']);
    expect(codeOf(await post(url, { query: '{ not graphql', extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ users { totalCount } }') } } }))).toEqual([400, 'PERSISTED_DOCUMENT_MISMATCH']);
    // The same id with its own text is fine.
    expect((await post(url, { documentId: usersPage.id, query: usersPage.text, variables: { first: 1 } })).body.data).toMatchObject({ users: { totalCount: seed.users } });
  });

  it('refuses malformed ids with BAD_REQUEST', async () => {
    expect(codeOf(await post(url, { documentId: 42 }))).toEqual([400, 'BAD_REQUEST']);
    expect(codeOf(await post(url, { extensions: { persistedQuery: { version: 2, sha256Hash: usersPage.hash } } }))).toEqual([400, 'BAD_REQUEST']);
    expect(codeOf(await post(url, { documentId: usersPage.id, extensions: { persistedQuery: { version: 1, sha256Hash: userOrders.hash } } }))).toEqual([400, 'BAD_REQUEST']);
    expect(codeOf(await get(url, { documentId: usersPage.id, extensions: '{oops' }))).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('a GET by id', () => {
  let url: string;
  beforeAll(async () => {
    url = await startRouter({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_PATH: manifests });
  });

  it('answers a public query with its cache policy, varying by origin and format but not by who asks, and serves it again from the cache', async () => {
    const params = { documentId: usersPage.id, variables: { first: 2 } };
    const first = await get(url, params);
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ users: { totalCount: seed.users } });
    expect(first.headers.get('cache-control')).toBe('max-age=30, public');
    expect(first.headers.get('vary')).toBe('Origin, Accept');
    // The router's response cache: the same id and variables by GET, or by Apollo's hash, is a hit.
    const again = await get(url, { extensions: { persistedQuery: { version: 1, sha256Hash: usersPage.hash } }, variables: { first: 2 } }, await asUser(firstUserId));
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('age')).toMatch(/^\d+$/);
    expect(again.headers.get('cache-control')).toBe('max-age=30, public');
  });

  it('tells a cache that an answer with private data depends on the Authorization header', async () => {
    const answer = await get(url, { documentId: userOrders.id, variables: { id: firstUserId, first: 2 } }, await asUser(firstUserId));
    expect(answer.body.data).toMatchObject({ user: { id: firstUserId } });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('vary')).toBe('Origin, Accept, Authorization');
  });

  it('refuses a mutation with 405 and Allow: POST, and places no order', async () => {
    const before = await stack.ordersDatabase.db.collection('orders').countDocuments();
    const input = { userId: firstUserId, items: [{ sku: 'MUG-040', name: 'Coffee mug', quantity: 1, unitPrice: 1250 }] };
    for (const params of [{ documentId: placeOrder.id }, { extensions: { persistedQuery: { version: 1, sha256Hash: placeOrder.hash } } }]) {
      const refused = await get(url, { ...params, variables: { input } }, await asUser(firstUserId));
      expect(codeOf(refused)).toEqual([405, 'BAD_REQUEST']);
      expect(refused.headers.get('allow')).toBe('POST');
    }
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(before);
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    expect(metrics).toMatch(/graphql_persisted_documents_total\{operation="PlaceOrder",outcome="method_refused",service="router"\} 2\n/);
    // By POST, the same id places it.
    const placed = await post(url, { documentId: placeOrder.id, variables: { input } }, await asUser(firstUserId));
    expect(placed.body.data).toMatchObject({ placeOrder: { status: 'PENDING' } });
  });
});

describe('in require mode', () => {
  let url: string;
  beforeAll(async () => {
    url = await startRouter({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_PATH: manifests });
  });

  it('runs the manifest\'s operations by id', async () => {
    expect((await post(url, { documentId: usersPage.id, variables: { first: 1 } })).body.data).toMatchObject({ users: { totalCount: seed.users } });
  });

  it('refuses any text with 400 before parsing it: a valid query, introspection, and text that is not GraphQL at all', async () => {
    for (const text of [usersPage.text, '{ __schema { types { name } } }', '{ {{ not graphql']) {
      const refused = await postGraphQL(url, text, { first: 1 });
      expect(codeOf(refused)).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
      expect(refused.body.data).toBeUndefined();
    }
    expect(codeOf(await get(url, { query: '{ users(first: 1) { totalCount } }' }))).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('refuses an unknown id in either form with 400, so Apollo\'s link does not send the text', async () => {
    const unknown = sha256('query Nobody { __typename }');
    expect(codeOf(await post(url, { documentId: `sha256:${unknown}` }))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(codeOf(await post(url, { extensions: { persistedQuery: { version: 1, sha256Hash: unknown } } }))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  it('lets no client register an operation with Apollo\'s register-on-miss flow', async () => {
    const text = 'query Sneaky { users(first: 100) { nodes { id name } } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(text) } };
    expect(codeOf(await post(url, { query: text, extensions }, await asUser(firstUserId)))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(codeOf(await post(url, { extensions }))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
  });

  it('refuses an id sent together with a different text', async () => {
    expect(codeOf(await post(url, { documentId: usersPage.id, query: '{ users(first: 1) { totalCount } }' }))).toEqual([400, 'PERSISTED_DOCUMENT_MISMATCH']);
  });

  it('counts requests by the manifest\'s operation name and outcome in /metrics', async () => {
    await post(url, { documentId: usersPage.id, variables: { first: 1 } });
    const metrics = await (await fetch(new URL('/metrics', url))).text();
    expect(metrics).toMatch(/graphql_persisted_documents_total\{operation="UsersPage",outcome="id",service="router"\} [1-9]/);
    expect(metrics).toMatch(/graphql_persisted_documents_total\{operation="text",outcome="text_refused",service="router"\} [1-9]/);
    expect(metrics).toMatch(/graphql_persisted_documents_total\{operation="unknown",outcome="not_found",service="router"\} [1-9]/);
  });
});

describe('switching modes', () => {
  it('answers the same three requests as each mode says, on the same manifests', async () => {
    const byId = { documentId: usersPage.id, variables: { first: 1 } };
    const byText = { query: usersPage.text, variables: { first: 1 } };
    const apq = { extensions: { persistedQuery: { version: 1, sha256Hash: usersPage.hash } }, variables: { first: 1 } };
    const answers: Record<string, unknown[]> = {};
    for (const mode of ['off', 'allow', 'require']) {
      const url = await startRouter({ PERSISTED_DOCUMENTS: mode, PERSISTED_DOCUMENTS_PATH: manifests });
      answers[mode] = [codeOf(await post(url, byId)), codeOf(await post(url, byText)), codeOf(await post(url, apq))];
    }
    expect(answers).toEqual({
      // `off`: ids mean nothing; Apollo's link is told to send the text from then on.
      off: [[400, 'BAD_REQUEST'], [200, undefined], [200, 'PERSISTED_QUERY_NOT_SUPPORTED']],
      allow: [[200, undefined], [200, undefined], [200, undefined]],
      require: [[200, undefined], [400, 'PERSISTED_DOCUMENT_REQUIRED'], [200, undefined]],
    });
  });

  it('lets an admin run any text in require mode when PERSISTED_DOCUMENTS_ADMIN_BYPASS is set, and nobody else', async () => {
    const url = await startRouter({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_ADMIN_BYPASS: 'true', PERSISTED_DOCUMENTS_PATH: manifests });
    const introspection = '{ __schema { queryType { name } } }';
    expect((await postGraphQL(url, introspection, {}, await asAdmin())).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    expect(codeOf(await postGraphQL(url, introspection, {}, await asUser(firstUserId)))).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
    expect(codeOf(await postGraphQL(url, introspection, {}, anonymousHeaders))).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
    expect(codeOf(await postGraphQL(url, introspection, {}, { authorization: 'Bearer not.a.token' }))).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
  });

  it('refuses to start in require mode when a manifest cannot be read', () => {
    expect(() => createRouterService(loadConfig({ LOG_LEVEL: 'silent', PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_PATH: join(manifests, 'missing.json') }))).toThrow(
      /cannot read the manifest .*missing\.json/,
    );
  });
});

describe('manifests', () => {
  it('are reloaded when a file is added or removed, without a restart', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'fedstack-reload-'));
    try {
      copyFileSync(webManifestPath, join(folder, 'web.json'));
      const url = await startRouter({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_PATH: folder, PERSISTED_DOCUMENTS_POLL_INTERVAL_MS: '100' });
      const text = 'query MobileUsers($first: Int!) { users(first: $first) { totalCount } }';
      const request = { documentId: `sha256:${sha256(text)}`, variables: { first: 1 } };
      expect(codeOf(await post(url, request))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);

      // A second client's manifest, in Apollo's format, dropped beside the first.
      const mobile = { format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256(text), name: 'MobileUsers', type: 'query', body: text }] };
      writeFileSync(join(folder, 'mobile.json'), JSON.stringify(mobile));
      const added = await until(() => post(url, request), (response) => response.status === 200);
      expect(added.body).toEqual({ data: { users: { totalCount: seed.users } } });
      expect((await post(url, { documentId: usersPage.id, variables: { first: 1 } })).status).toBe(200);

      unlinkSync(join(folder, 'mobile.json'));
      expect(codeOf(await until(() => post(url, request), (response) => response.status !== 200))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('in Redis', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(() => redis?.stop());

    it('are published once and served by every router that reads that Redis', async () => {
      const empty = mkdtempSync(join(tmpdir(), 'fedstack-empty-'));
      try {
        const env = { PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_PATH: empty, PERSISTED_DOCUMENTS_POLL_INTERVAL_MS: '100', REDIS_URL: redis.url, RESPONSE_CACHE: 'false' };
        const [one, two] = [await startRouter(env), await startRouter(env)];
        const request = { documentId: usersPage.id, variables: { first: 1 } };
        expect(codeOf(await post(one, request))).toEqual([400, 'PERSISTED_DOCUMENT_NOT_FOUND']);

        const published = await publishDocuments(redis.url, 'fedstack:router:', [{ source: 'web.json', content: readFileSync(webManifestPath, 'utf8') }]);
        expect(published).toEqual({ operations: Object.keys(webManifest).length, total: Object.keys(webManifest).length });
        for (const url of [one, two]) {
          expect((await until(() => post(url, request), (response) => response.status === 200)).body.data).toMatchObject({ users: { totalCount: seed.users } });
        }
        await expect(publishDocuments(redis.url, 'fedstack:router:', [{ source: 'bad.json', content: JSON.stringify({ [usersPage.id]: 'query Other { __typename }' }) }])).rejects.toThrow(
          'bad.json: sha256:' + usersPage.hash + ' is not the sha256 of its text',
        );
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });
  });
});
