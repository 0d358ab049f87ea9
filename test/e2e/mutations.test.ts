import { demoOrders, demoUsers, mintToken } from '@fedstack/devkit';
import { ObjectId } from 'mongodb';
import { adminId, anonymousHeaders, asAdmin, asUser, productionEnv } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ seed: { users: 10, orders: 30 } });
});
afterAll(() => stack.stop());

const placeOrder = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id status total currency items { sku subtotal } user { id name } } }`;
const cancelOrder = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const noOrders = demoUsers(10)[9]!;

describe('createUser', () => {
  it('creates a user that the graph then serves', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `mutation { createUser(input: { email: "  New.Person@Example.com ", name: "New Person" }) { id email name createdAt } }`);
    const created = (body.data as { createUser: { id: string; email: string; createdAt: string } }).createUser;
    expect(created).toMatchObject({ email: 'new.person@example.com', name: 'New Person' });
    expect(new Date(created.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const read = await postGraphQL(stack.routerUrl, `query($id: ID!) { user(id: $id) { email orders { totalCount } } }`, { id: created.id });
    expect(read.body).toEqual({ data: { user: { email: 'new.person@example.com', orders: { totalCount: 0 } } } });
  });

  it('signs an anonymous caller up and answers the new user whole, e-mail included; later reads need its token', async () => {
    const signUp = `mutation { createUser(input: { email: "Signed.Up@Example.com", name: "Signed Up" }) { id email name createdAt } }`;
    const { status, body } = await postGraphQL(stack.routerUrl, signUp, {}, anonymousHeaders);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const created = (body.data as { createUser: { id: string } }).createUser;
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f]{24}$/), email: 'signed.up@example.com', name: 'Signed Up', createdAt: expect.any(String) });

    // The creator's view lasts for that answer: afterwards the e-mail is the user's own, as anyone's is.
    const readBack = `query($id: ID!) { user(id: $id) { name email } }`;
    const anonymousRead = await postGraphQL(stack.routerUrl, readBack, { id: created.id }, anonymousHeaders);
    expect(anonymousRead.body.data).toEqual({ user: { name: 'Signed Up', email: null } });
    expect(anonymousRead.body.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const ownRead = await postGraphQL(stack.routerUrl, readBack, { id: created.id }, await asUser(created.id));
    expect(ownRead.body).toEqual({ data: { user: { name: 'Signed Up', email: 'signed.up@example.com' } } });
  });

  it('refuses a taken e-mail address with EMAIL_TAKEN', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `mutation($email: String!) { createUser(input: { email: $email, name: "Twin" }) { id } }`, { email: demoUsers(1)[0]!.email.toUpperCase() });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'EMAIL_TAKEN', field: 'input.email' });
    expect(await stack.usersDatabase.db.collection('users').countDocuments({ name: 'Twin' })).toBe(0);
  });

  it('refuses a malformed e-mail address with BAD_USER_INPUT naming the field', async () => {
    const { body } = await postGraphQL(stack.routerUrl, `mutation { createUser(input: { email: "no-at-sign", name: "X" }) { id } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.email' });
  });
});

describe('placeOrder and cancelOrder', () => {
  it('places a PENDING order with its total computed in cents, and lists it first among the user\'s orders', async () => {
    const { body } = await postGraphQL(stack.routerUrl, placeOrder, {
      input: { userId: noOrders._id.toHexString(), items: [{ sku: 'MUG-040', name: 'Coffee mug', quantity: 3, unitPrice: 1250 }, { sku: 'CABL-030', name: 'USB-C cable', quantity: 1, unitPrice: 999 }] },
    });
    const order = (body.data as { placeOrder: { id: string } }).placeOrder;
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: 'PENDING',
      total: 3 * 1250 + 999,
      currency: 'USD',
      items: [{ sku: 'MUG-040', subtotal: 3750 }, { sku: 'CABL-030', subtotal: 999 }],
      user: { id: noOrders._id.toHexString(), name: noOrders.name },
    });
    const listed = await postGraphQL(stack.routerUrl, `query($id: ID!) { user(id: $id) { orders(first: 1) { nodes { id } totalCount } } }`, { id: noOrders._id.toHexString() });
    expect(listed.body.data).toEqual({ user: { orders: { nodes: [{ id: order.id }], totalCount: 1 } } });
  });

  it('cancels a PENDING order, and answers a second cancel with the cancelled order (a safe retry)', async () => {
    const placed = await postGraphQL(stack.routerUrl, placeOrder, { input: { userId: noOrders._id.toHexString(), items: [{ sku: 'A', name: 'A', quantity: 1, unitPrice: 1 }] } });
    const id = (placed.body.data as { placeOrder: { id: string } }).placeOrder.id;
    expect((await postGraphQL(stack.routerUrl, cancelOrder, { id })).body).toEqual({ data: { cancelOrder: { id, status: 'CANCELLED' } } });
    expect((await postGraphQL(stack.routerUrl, cancelOrder, { id })).body).toEqual({ data: { cancelOrder: { id, status: 'CANCELLED' } } });
  });

  it('refuses to cancel a SHIPPED order with ORDER_NOT_CANCELLABLE, and leaves it SHIPPED', async () => {
    const shipped = demoOrders(demoUsers(10), 30).find((order) => order.status === 'SHIPPED')!;
    const { body } = await postGraphQL(stack.routerUrl, cancelOrder, { id: shipped._id.toHexString() });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE', status: 'SHIPPED' });
    expect(body.errors?.[0]?.message).toContain('only a PENDING order can be cancelled');
    expect((await stack.ordersDatabase.db.collection('orders').findOne({ _id: shipped._id }))?.status).toBe('SHIPPED');
  });

  it('answers NOT_FOUND for cancelling an order nobody has', async () => {
    const { body } = await postGraphQL(stack.routerUrl, cancelOrder, { id: 'bbbbbbbbbbbbbbbbbbbbbbbb' });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });

  it.each([
    [{ quantity: 0 }, 'input.items[0].quantity'],
    [{ quantity: 1.5 }, null],
    [{ unitPrice: -1 }, 'input.items[0].unitPrice'],
    [{ sku: '' }, 'input.items[0].sku'],
    [{ name: 'x'.repeat(201) }, 'input.items[0].name'],
  ])('refuses the item %j without writing anything', async (change, field) => {
    const before = await stack.ordersDatabase.db.collection('orders').countDocuments();
    const { body } = await postGraphQL(stack.routerUrl, placeOrder, {
      input: { userId: noOrders._id.toHexString(), items: [{ sku: 'A', name: 'A', quantity: 1, unitPrice: 1, ...change }] },
    });
    expect((body.data as { placeOrder?: unknown } | null | undefined)?.placeOrder ?? null).toBeNull();
    // A float where an Int is declared fails GraphQL's own variable coercion, before any resolver.
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    if (field) expect(body.errors?.[0]?.extensions?.field).toBe(field);
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(before);
  });

  it('refuses an order whose total GraphQL could not return, before storing it', async () => {
    const before = await stack.ordersDatabase.db.collection('orders').countDocuments();
    const items = Array.from({ length: 30 }, () => ({ sku: 'GOLD', name: 'Gold bar', quantity: 1000, unitPrice: 100_000_000 }));
    const { body } = await postGraphQL(stack.routerUrl, placeOrder, { input: { userId: noOrders._id.toHexString(), items } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' });
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(before);
  });

  it('refuses an order without items and one in an unknown currency format', async () => {
    const userId = noOrders._id.toHexString();
    const empty = await postGraphQL(stack.routerUrl, placeOrder, { input: { userId, items: [] } });
    expect(empty.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' });
    const currency = await postGraphQL(stack.routerUrl, placeOrder, { input: { userId, currency: 'usd', items: [{ sku: 'A', name: 'A', quantity: 1, unitPrice: 1 }] } });
    expect(currency.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.currency' });
  });
});

describe('placeOrder with an idempotency key', () => {
  const input = (key: string, quantity = 1) => ({ userId: noOrders._id.toHexString(), idempotencyKey: key, items: [{ sku: 'KEY', name: 'Keyed', quantity, unitPrice: 500 }] });

  it('places the order once, and answers a retry with the same order', async () => {
    const first = await postGraphQL(stack.routerUrl, placeOrder, { input: input('retry-1') });
    const second = await postGraphQL(stack.routerUrl, placeOrder, { input: input('retry-1') });
    expect(second.body.data).toEqual(first.body.data);
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments({ idempotencyKey: 'retry-1' })).toBe(1);
  });

  it('creates exactly one order for 50 concurrent requests with one key', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => postGraphQL(stack.routerUrl, placeOrder, { input: input('race-1') })));
    const ids = new Set(answers.map((answer) => (answer.body.data as { placeOrder: { id: string } }).placeOrder.id));
    expect(answers.every((answer) => answer.body.errors === undefined)).toBe(true);
    expect(ids.size).toBe(1);
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments({ idempotencyKey: 'race-1' })).toBe(1);
  });

  it('refuses the same key for a different order with IDEMPOTENCY_KEY_REUSED', async () => {
    await postGraphQL(stack.routerUrl, placeOrder, { input: input('reused-1', 1) });
    const { body } = await postGraphQL(stack.routerUrl, placeOrder, { input: input('reused-1', 2) });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' });
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments({ idempotencyKey: 'reused-1' })).toBe(1);
  });

  it('keeps keys per user: another user may use the same key', async () => {
    const other = demoUsers(10)[8]!;
    const mine = await postGraphQL(stack.routerUrl, placeOrder, { input: input('shared-key') });
    const theirs = await postGraphQL(stack.routerUrl, placeOrder, { input: { ...input('shared-key'), userId: other._id.toHexString() } });
    expect((theirs.body.data as { placeOrder: { id: string } }).placeOrder.id).not.toBe((mine.body.data as { placeOrder: { id: string } }).placeOrder.id);
  });
});

describe('errors outside development', () => {
  let production: Stack;
  let env: Record<string, string>;
  beforeAll(async () => {
    // These send operation text, so the router takes it (production's default, `require`, would refuse it).
    env = { ...productionEnv(), PERSISTED_DOCUMENTS: 'allow' };
    production = await startStack({ env });
  });
  afterAll(() => production.stop());

  it('keep their code and carry no stack trace', async () => {
    const { body } = await postGraphQL(production.routerUrl, `{ user(id: "nope") { name } }`, {}, anonymousHeaders);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(body)).not.toContain('stacktrace');
  });

  it('mask an unexpected failure as INTERNAL_SERVER_ERROR with a request id, and leak nothing of it', async () => {
    // An order the code cannot represent (a status the schema does not have) makes the orders subgraph fail
    // while serializing: an error nobody gave a code.
    const userId = new ObjectId();
    await production.ordersDatabase.db.collection('orders').insertOne({ userId, items: [], total: 0, currency: 'USD', status: 'BOGUS_STATUS', createdAt: new Date() });
    const admin = { authorization: `Bearer ${await mintToken({ jwtSecret: env.AUTH_JWT_SECRET, issuer: 'fedstack', audience: 'fedstack-api' }, { userId: adminId, roles: ['admin'] })}` };
    const { body, headers } = await postGraphQL(production.routerUrl, `query($id: ID!) { user(id: $id) { orders { nodes { status } } } }`, { id: userId.toHexString() }, admin);
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: headers.get('x-request-id') } });
    expect(JSON.stringify(body)).not.toMatch(/BOGUS|OrderStatus|stacktrace/);
  });

  it('do not show the query plan, even when asked', async () => {
    const { body } = await postGraphQL(production.routerUrl, `{ user(id: "aaaaaaaaaaaaaaaaaaaaaaaa") { name } }`, {}, { ...anonymousHeaders, 'Apollo-Query-Plan-Experimental': '1' });
    expect(body).toEqual({ data: { user: null } });
  });
});
