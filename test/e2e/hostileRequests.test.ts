import { createRandom } from '@fedstack/devkit';
import { startStack, type Stack } from '../support/stack';

/**
 * Hostile and malformed requests at the router: each known case answered with its documented 4xx and
 * code, then a seeded fuzz pass over the request envelope (query, variables, operationName, extensions,
 * method, content type, truncated and oversized bodies). Never a 5xx, never a reset, and the services
 * stay up. Part of the attack suite, with security.test.ts.
 */

const maxBodyBytes = 64 * 1024;
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ seed: { users: 3, orders: 6 }, env: { MAX_BODY_BYTES: String(maxBodyBytes) } });
});
afterAll(() => stack.stop());

interface Answer {
  status: number;
  /** The first error's code, when the body is a GraphQL error answer. */
  code?: unknown;
  text: string;
  requestId: string | null;
}

async function send(init: RequestInit & { search?: string }): Promise<Answer> {
  const response = await fetch(`${stack.routerUrl}${init.search ?? ''}`, init);
  const text = await response.text();
  let code: unknown;
  try {
    code = (JSON.parse(text) as { errors?: Array<{ extensions?: { code?: unknown } }> }).errors?.[0]?.extensions?.code;
  } catch {
    code = undefined;
  }
  return { status: response.status, code, text, requestId: response.headers.get('x-request-id') };
}

const postJson = (body: unknown) => send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('a document whose operation cannot be chosen', () => {
  it.each([
    ['two operations and no operationName', { query: 'query A { __typename } query B { __typename }' }, 'Must provide operation name if query contains multiple operations.'],
    ['an operationName that names no operation', { query: 'query A { __typename }', operationName: 'C' }, 'Unknown operation named "C".'],
    ['an operationName and only fragments', { query: 'fragment F on Query { __typename }', operationName: 'F' }, null],
  ])('is refused with 400 OPERATION_RESOLUTION_FAILURE: %s', async (_case, body, message) => {
    const answer = await postJson(body);
    expect(answer.status).toBe(400);
    expect(answer.code).toBe(message === null ? 'GRAPHQL_VALIDATION_FAILED' : 'OPERATION_RESOLUTION_FAILURE');
    if (message) expect(JSON.parse(answer.text)).toEqual({ errors: [{ message, extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] });
  });

  it('is answered once the operationName picks one', async () => {
    const answer = await postJson({ query: 'query A { __typename } query B { b: __typename }', operationName: 'B' });
    expect(JSON.parse(answer.text)).toEqual({ data: { b: 'Query' } });
  });
});

/** The devkit's seeded source with the draws the fuzz pass needs; FUZZ_SEED replays another sequence. */
function createFuzzRandom(seed: number) {
  const next = createRandom(seed);
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Random = ReturnType<typeof createFuzzRandom>;

const fragmentsOfQueries = ['{', '}', 'query', 'mutation', 'subscription', '__typename', 'users(first: 2) { nodes { id name } }', 'user(id: $id) { name }', '...F', 'fragment F on Query { __typename }', '$id: ID!', '(', ')', '@skip(if: true)', '"\\u0000"', '#', 'placeOrder', '__schema { types { name } }', 'a'.repeat(300), '\u{1F600}'];

function randomJson(random: Random, depth = 0): unknown {
  switch (random.int(depth > 2 ? 6 : 9)) {
    case 0: return null;
    case 1: return random.next() < 0.5;
    case 2: return random.pick([0, -1, 1.5, 1e308, -0, 2 ** 53 + 1]);
    case 3: return random.pick(['', 'x', '{ __typename }', '\u0000', '\uD800', 'A'.repeat(2000)]);
    case 4: return randomQueryText(random);
    case 5: return [];
    case 6: return Array.from({ length: random.int(4) }, () => randomJson(random, depth + 1));
    case 7: return Object.fromEntries(Array.from({ length: random.int(4) }, () => [random.pick(['id', 'first', 'after', '__proto__', 'constructor', 'query', 'x']), randomJson(random, depth + 1)]));
    default: return { persistedQuery: { version: random.pick([1, 2, 'x']), sha256Hash: random.pick(['', 'abc', '0'.repeat(64), 123]) } };
  }
}

function randomQueryText(random: Random): string {
  return Array.from({ length: 1 + random.int(8) }, () => random.pick(fragmentsOfQueries)).join(' ');
}

/** A document that parses: one to three named or anonymous operations, and maybe a fragment. */
function wellFormedDocument(random: Random): string {
  const bodies = ['{ __typename }', '{ users(first: 1) { totalCount } }', '($id: ID!) { user(id: $id) { name } }', '{ ...F }'];
  const operations = Array.from({ length: 1 + random.int(3) }, () => `${random.pick(['query', 'query A', 'query B', 'mutation M', 'subscription S'])} ${random.pick(bodies)}`);
  return [...operations, ...(random.next() < 0.5 ? ['fragment F on Query { __typename }'] : [])].join(' ');
}

function randomEnvelope(random: Random): Record<string, unknown> {
  const envelope: Record<string, unknown> = {};
  const text = random.next();
  if (text < 0.85) envelope.query = text < 0.3 ? wellFormedDocument(random) : text < 0.6 ? randomQueryText(random) : randomJson(random);
  if (random.next() < 0.5) envelope.variables = random.next() < 0.5 ? { id: random.pick(['677485800001000000000000', 'x', 1, null]) } : randomJson(random);
  if (random.next() < 0.4) envelope.operationName = random.next() < 0.7 ? random.pick(['A', 'B', 'C', 'M', 'S', 'F', '', 'query']) : randomJson(random);
  if (random.next() < 0.3) envelope.extensions = randomJson(random);
  return envelope;
}

const contentTypes = ['application/json', 'application/graphql-response+json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql', 'application/json; charset=utf-16', ''];
const methods = ['POST', 'POST', 'POST', 'GET', 'GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** One random request: its description (to replay it) and how to send it. */
function randomRequest(random: Random): { describe: string; init: RequestInit & { search?: string } } {
  const method = random.pick(methods);
  const contentType = random.pick(contentTypes);
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  if (random.next() < 0.3) headers['apollo-require-preflight'] = 'true';
  if (random.next() < 0.1) headers.accept = random.pick(['text/html', 'application/graphql-response+json', 'multipart/mixed', '*/*', 'image/png']);
  const envelope = randomEnvelope(random);
  if (method === 'GET' || method === 'HEAD' || method === 'DELETE') {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(envelope)) params.set(key, typeof value === 'string' && random.next() < 0.7 ? value : JSON.stringify(value) ?? 'undefined');
    return { describe: `${method} ?${params}`, init: { method, headers, search: `?${params}` } };
  }
  let body = JSON.stringify(envelope);
  const shape = random.int(10);
  if (shape === 0) body = body.slice(0, random.int(body.length)); // truncated
  if (shape === 1) body = JSON.stringify({ ...envelope, padding: 'x'.repeat(maxBodyBytes + random.int(maxBodyBytes)) }); // oversized
  if (shape === 2) body = JSON.stringify(randomJson(random)); // any JSON, not an object
  if (shape === 3) body = '\uFFFD\u0000' + body; // not JSON at all
  return { describe: `${method} ${contentType} ${body.length > 300 ? `${body.slice(0, 300)}… (${body.length} chars)` : body}`, init: { method, headers, body } };
}

describe('a fuzz pass over the request envelope', () => {
  const seed = Number(process.env.FUZZ_SEED ?? 20261129);
  const count = 400;

  it(`answers ${count} random requests (seed ${seed}) with no 5xx and no reset; every 4xx carries a code`, async () => {
    const random = createFuzzRandom(seed);
    const failures: string[] = [];
    for (let i = 0; i < count; i++) {
      const { describe: what, init } = randomRequest(random);
      let answer: Answer;
      try {
        answer = await send(init);
      } catch (error) {
        failures.push(`#${i} ${what}: the connection failed (${String((error as { cause?: unknown }).cause ?? error)})`);
        continue;
      }
      if (answer.status >= 500) failures.push(`#${i} ${what}: HTTP ${answer.status} ${answer.text.slice(0, 300)}`);
      else if (answer.status >= 400 && init.method !== 'HEAD' && typeof answer.code !== 'string') failures.push(`#${i} ${what}: HTTP ${answer.status} without a code: ${answer.text.slice(0, 300)}`);
      else if (/stacktrace|\n\s+at /.test(answer.text)) failures.push(`#${i} ${what}: a stack trace in the answer`);
    }
    expect(failures).toEqual([]);
  });

  it('leaves the router and the subgraphs up, and nothing written', async () => {
    expect((await fetch(stack.routerUrl.replace('/graphql', '/health/ready'))).status).toBe(200);
    expect(JSON.parse((await postJson({ query: '{ users(first: 1) { totalCount } }' })).text)).toEqual({ data: { users: { totalCount: 3 } } });
    expect(await stack.ordersDatabase.db.collection('orders').countDocuments()).toBe(6);
  });
});
