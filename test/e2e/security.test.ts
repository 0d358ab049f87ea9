import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { developmentSigningSecret, signatureHeaders, signRequest } from '@fedstack/server';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { demoOrders, demoUsers } from '@fedstack/devkit';
import { adminId, anonymousHeaders, asAdmin, asUser, bearer, postSigned } from '../support/auth';
import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

const seed = { users: 12, orders: 80 };
const users = demoUsers(seed.users);
const alice = users[0]!;
const bob = users[1]!;
const bobsOrders = demoOrders(users, seed.orders).filter((order) => order.userId.equals(bob._id));
const ordersOf = `query($id: ID!) { user(id: $id) { name email orders(first: 5) { totalCount nodes { id } } } }`;
const placeOrder = `mutation($userId: ID!) { placeOrder(input: { userId: $userId, items: [{ sku: "A", name: "A", quantity: 1, unitPrice: 100 }] }) { id } }`;

let stack: Stack;
let ordersBefore: number;
beforeAll(async () => {
  stack = await startStack({ seed });
  ordersBefore = await stack.ordersDatabase.db.collection('orders').countDocuments();
});
afterAll(() => stack.stop());

/** The code and HTTP status of a refused request. */
async function refusal(response: Promise<{ status: number; body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }>) {
  const { status, body } = await response;
  return { status, code: body.errors?.[0]?.extensions?.code };
}

describe('authentication at the router', () => {
  it('lets an anonymous caller see public fields, and answers UNAUTHENTICATED on private ones', async () => {
    const { status, body } = await postGraphQL(stack.routerUrl, ordersOf, { id: bob._id.toHexString() }, anonymousHeaders);
    expect(status).toBe(200);
    expect(body.data).toEqual({ user: { name: bob.name, email: null, orders: null } });
    expect(body.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]).sort()).toEqual([
      ['user.email', 'UNAUTHENTICATED'],
      ['user.orders', 'UNAUTHENTICATED'],
    ]);
  });

  it.each([
    ['an expired token', () => bearer({ userId: alice._id.toHexString(), expiresInSeconds: -120 })],
    ['a token that is not valid yet', () => bearer({ userId: alice._id.toHexString(), notBeforeSeconds: 600 })],
    ['a token signed with another key', async () => ({ authorization: `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(alice._id.toHexString()).setIssuer('fedstack').setAudience('fedstack-api').setExpirationTime('1h').sign(new TextEncoder().encode('x'.repeat(40)))}` })],
    ['a token for another audience', async () => ({ authorization: `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(alice._id.toHexString()).setIssuer('fedstack').setAudience('someone-else').setExpirationTime('1h').sign(new TextEncoder().encode('development-only-jwt-secret-do-not-use-in-production'))}` })],
    ['an unsigned token (alg none)', async () => ({ authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: alice._id.toHexString(), roles: ['admin'] })).toString('base64url')}.x` })],
    ['a header that is not a bearer token', async () => ({ authorization: 'Basic YWxpY2U6c2VjcmV0' })],
  ])('refuses %s with 401 UNAUTHENTICATED, never as anonymous', async (_what, headers) => {
    expect(await refusal(postGraphQL(stack.routerUrl, ordersOf, { id: alice._id.toHexString() }, await headers()))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('ownership', () => {
  it('shows a user their own e-mail and orders', async () => {
    const { body } = await postGraphQL(stack.routerUrl, ordersOf, { id: alice._id.toHexString() }, await asUser(alice._id.toHexString()));
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ user: { email: alice.email, orders: { totalCount: expect.any(Number) } } });
  });

  it('answers FORBIDDEN on another user\'s e-mail and orders, with the rest of the answer intact', async () => {
    const { status, body } = await postGraphQL(stack.routerUrl, ordersOf, { id: bob._id.toHexString() }, await asUser(alice._id.toHexString()));
    expect(status).toBe(200);
    expect(body.data).toEqual({ user: { name: bob.name, email: null, orders: null } });
    expect(body.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('lets an admin see anyone\'s orders', async () => {
    const { body } = await postGraphQL(stack.routerUrl, ordersOf, { id: bob._id.toHexString() }, await asAdmin());
    expect(body.data).toMatchObject({ user: { email: bob.email, orders: { totalCount: bobsOrders.length } } });
  });

  it('refuses an order read, a placeOrder and a cancelOrder on someone else\'s behalf, and writes nothing', async () => {
    const asAlice = await asUser(alice._id.toHexString());
    const bobsOrder = bobsOrders[0]!._id.toHexString();
    const read = await postGraphQL(stack.routerUrl, `query($id: ID!) { order(id: $id) { id total } }`, { id: bobsOrder }, asAlice);
    expect(read.body.data).toEqual({ order: null });
    expect(read.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const placed = await postGraphQL(stack.routerUrl, placeOrder, { userId: bob._id.toHexString() }, asAlice);
    expect(placed.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const cancelled = await postGraphQL(stack.routerUrl, `mutation($id: ID!) { cancelOrder(id: $id) { id } }`, { id: bobsOrder }, asAlice);
    expect(cancelled.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await postGraphQL(stack.routerUrl, placeOrder, { userId: alice._id.toHexString() }, anonymousHeaders);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(ordersBefore);
    expect((await stack.ordersDatabase.db.collection('orders').findOne({ _id: bobsOrders[0]!._id }))?.status).toBe(bobsOrders[0]!.status);
  });

  it('lets a user place an order for themselves', async () => {
    const { body } = await postGraphQL(stack.routerUrl, placeOrder, { userId: alice._id.toHexString() }, await asUser(alice._id.toHexString()));
    expect(body.errors).toBeUndefined();
    await stack.ordersDatabase.db.collection('orders').deleteOne({ userId: alice._id, 'items.sku': 'A', total: 100 });
  });
});

describe('the subgraphs, called directly', () => {
  const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id } } }`;
  const forged = { [signatureHeaders.userId]: bob._id.toHexString(), [signatureHeaders.roles]: 'admin' };

  it.each(['users', 'orders'] as const)('%s refuses an unsigned _entities call, and forged identity headers, with 401', async (name) => {
    const url = name === 'users' ? stack.usersUrl : stack.ordersUrl;
    const representations = [{ __typename: 'User', id: bob._id.toHexString() }];
    expect(await refusal(postGraphQL(url, entities, { representations }, { ...anonymousHeaders, ...forged }))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await refusal(postGraphQL(url, `{ _service { sdl } }`, {}, anonymousHeaders))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('refuses a request signed with the wrong secret, and one whose identity was swapped after signing', async () => {
    const body = JSON.stringify({ query: `{ user(id: "${bob._id.toHexString()}") { orders { totalCount } } }`, variables: {} });
    const timestamp = Math.floor(Date.now() / 1000);
    const sign = (secret: string, userId: string) => signRequest(secret, { method: 'POST', path: '/graphql', timestamp, userId, roles: '', body });
    const send = (signature: string, userId: string) =>
      fetch(stack.ordersUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [signatureHeaders.timestamp]: String(timestamp), [signatureHeaders.signature]: signature, [signatureHeaders.userId]: userId },
        body,
      });
    expect((await send(sign('w'.repeat(40), bob._id.toHexString()), bob._id.toHexString())).status).toBe(401);
    expect((await send(sign(developmentSigningSecret('orders'), alice._id.toHexString()), bob._id.toHexString())).status).toBe(401);
    expect((await send(sign(developmentSigningSecret('orders'), bob._id.toHexString()), bob._id.toHexString())).status).toBe(200);
  });

  it('refuses a signed request replayed outside its window', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const timestamp = Math.floor(Date.now() / 1000) - 120;
    const signature = signRequest(developmentSigningSecret('users'), { method: 'POST', path: '/graphql', timestamp, userId: '', roles: '', body });
    const response = await fetch(stack.usersUrl, { method: 'POST', headers: { 'content-type': 'application/json', [signatureHeaders.timestamp]: String(timestamp), [signatureHeaders.signature]: signature }, body });
    expect(response.status).toBe(401);
  });

  it('serves the router\'s signed requests, with the identity it forwards', async () => {
    const { body } = await postSigned(stack.ordersUrl, 'orders', `{ user(id: "${bob._id.toHexString()}") { orders { totalCount } } }`, {}, { userId: alice._id.toHexString(), roles: [] });
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('operation limits at the router', () => {
  it('refuses a 20-deep query with QUERY_TOO_DEEP', async () => {
    let selection = 'id';
    for (let i = 0; i < 5; i++) selection = `orders(first: 1) { nodes { user { ${selection} } } }`;
    const query = `{ user(id: "${alice._id.toHexString()}") { ${selection} } }`;
    expect(await refusal(postGraphQL(stack.routerUrl, query))).toEqual({ status: 400, code: 'QUERY_TOO_DEEP' });
  });

  it('refuses an alias bomb with TOO_MANY_ALIASES', async () => {
    const query = `{ ${Array.from({ length: 200 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(await refusal(postGraphQL(stack.routerUrl, query))).toEqual({ status: 400, code: 'TOO_MANY_ALIASES' });
  });

  it('refuses too many root fields with TOO_MANY_ROOT_FIELDS', async () => {
    const query = `{ ${Array.from({ length: 11 }, (_, i) => `u${i}: users(first: 1) { totalCount }`).join(' ')} }`;
    expect(await refusal(postGraphQL(stack.routerUrl, query))).toEqual({ status: 400, code: 'TOO_MANY_ROOT_FIELDS' });
  });

  it('refuses a document with too many tokens with TOO_MANY_TOKENS', async () => {
    const query = `{ ${'__typename '.repeat(3000)} }`;
    expect(await refusal(postGraphQL(stack.routerUrl, query))).toEqual({ status: 400, code: 'TOO_MANY_TOKENS' });
  });

  it('refuses nested pages whose product is too large with QUERY_TOO_COSTLY, before any subgraph is called', async () => {
    stack.usersCommands.clear();
    stack.ordersCommands.clear();
    const query = `{ users(first: 100) { nodes { orders(first: 100) { nodes { id total user { name } } } } } }`;
    expect(await refusal(postGraphQL(stack.routerUrl, query, {}, await asAdmin()))).toEqual({ status: 400, code: 'QUERY_TOO_COSTLY' });
    expect(stack.usersCommands.count() + stack.ordersCommands.count()).toBe(0);
  });

  it('refuses a 5 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await fetch(stack.routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses malformed JSON with 400', async () => {
    const response = await fetch(stack.routerUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": "{ __typename }"' });
    expect(response.status).toBe(400);
  });

  it('refuses a mutation sent with GET, and a cross-site simple POST (CSRF prevention)', async () => {
    const mutation = encodeURIComponent(`mutation { placeOrder(input: { userId: "${alice._id.toHexString()}", items: [{ sku: "A", name: "A", quantity: 1, unitPrice: 1 }] }) { id } }`);
    const get = await fetch(`${stack.routerUrl}?query=${mutation}`, { headers: { 'apollo-require-preflight': 'true', ...(await asUser(alice._id.toHexString())) } });
    expect(get.status).toBe(405);
    const simplePost = await fetch(stack.routerUrl, { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'http://evil.test' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(simplePost.status).toBe(400);
    expect(((await simplePost.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code).toBe('BAD_REQUEST');
  });

  it('stays up and has written nothing after every attack', async () => {
    expect((await fetch(stack.routerUrl.replace('/graphql', '/health/ready'))).status).toBe(200);
    expect((await postGraphQL(stack.routerUrl, '{ __typename }')).body.data).toEqual({ __typename: 'Query' });
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(ordersBefore);
    expect(await stack.usersDatabase.db.collection('users').countDocuments()).toBe(seed.users);
  });
});

describe('tokens from an identity provider (JWKS)', () => {
  let jwksServer: Server;
  let jwksFetches = 0;
  let idpStack: Stack;
  let signWith: (kid: string, sub: string) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
    jwksServer = createServer((_req, res) => {
      jwksFetches += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
    signWith = (kid, sub) =>
      new SignJWT({ roles: [] }).setProtectedHeader({ alg: 'ES256', kid }).setSubject(sub).setIssuer('https://id.test').setAudience('shop').setExpirationTime('5m').sign(privateKey);
    idpStack = await startStack({ seed: { users: 2, orders: 4 }, env: { AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: 'https://id.test', AUTH_AUDIENCE: 'shop' } });
  });
  afterAll(async () => {
    await idpStack.stop();
    await new Promise((resolve) => jwksServer.close(resolve));
  });

  it('accepts an ES256 token signed by a key in the JWKS', async () => {
    const token = await signWith('key-1', alice._id.toHexString());
    const { body } = await postGraphQL(idpStack.routerUrl, ordersOf, { id: alice._id.toHexString() }, { authorization: `Bearer ${token}` });
    expect(body.errors).toBeUndefined();
    expect(body.data).toMatchObject({ user: { email: alice.email } });
  });

  it('refuses unknown key ids with 401, refreshing the key set once rather than once per request', async () => {
    const before = jwksFetches;
    for (let i = 0; i < 5; i++) {
      const token = await signWith(`unknown-${i}`, alice._id.toHexString());
      expect(await refusal(postGraphQL(idpStack.routerUrl, ordersOf, { id: alice._id.toHexString() }, { authorization: `Bearer ${token}` }))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('still lets the subject be only a user id', async () => {
    const token = await signWith('key-1', adminId.replace(/0/g, 'z'));
    expect(await refusal(postGraphQL(idpStack.routerUrl, '{ __typename }', {}, { authorization: `Bearer ${token}` }))).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
