import { request } from 'node:http';
import { freePort, writeFiller } from '@fedstack/devkit';
import { startServiceProcess, waitUntilReady, type ServiceProcess } from '../support/serviceProcess';

/**
 * A body over `MAX_BODY_BYTES`, sent to the router running as its own process, as clients meet it. The
 * 413 must reach every client: a server that closes the socket while the client is still uploading
 * makes the kernel reset the connection, and the client then reports ECONNRESET instead of the answer
 * (before the fix: 7 to 14 of 20 such requests, with fetch and with http, at 5 MB and at 12 MB). The
 * client and the server must be different processes for that race to show.
 */

/** What a client got: the answer's status and code, or the error its connection failed with. */
type Outcome = { status: number; code: unknown } | { error: string };

function codeOf(text: string): unknown {
  return (JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
}

/** Sends the body with Node's `fetch` (undici), which never waits for `100 Continue`. */
async function sendWithFetch(url: string, size: number): Promise<Outcome> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"query":"{ __typename }","padding":"${'x'.repeat(size)}"}` });
    return { status: response.status, code: codeOf(await response.text()) };
  } catch (error) {
    return { error: String((error as { cause?: unknown }).cause ?? error) };
  }
}

/** Streams the body with Node's `http` client, with a declared length or chunked. */
function sendWithHttp(url: string, size: number, framing: 'content-length' | 'chunked'): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers = { 'content-type': 'application/json', ...(framing === 'chunked' ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }) };
    const req = request(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: codeOf(text) }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
    writeFiller(req, size);
  });
}

describe('a body over MAX_BODY_BYTES sent to the router process', () => {
  let router: ServiceProcess;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    // No subgraphs are needed: the body is refused before GraphQL sees it.
    router = startServiceProcess('router/src/index.ts', { ROUTER_PORT: String(port), ROUTER_HOST: '127.0.0.1', MAX_BODY_BYTES: String(1024 * 1024), LOG_LEVEL: 'warn' });
    await waitUntilReady(router, `http://127.0.0.1:${port}`, 60_000, 'live');
    url = `http://127.0.0.1:${port}/graphql`;
  });
  afterAll(() => router?.kill());

  it.each([5, 12])('answers 413 PAYLOAD_TOO_LARGE to every one of 30 clients sending %i MB, never a reset', async (megabytes) => {
    const size = megabytes * 1024 * 1024;
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 10; i++) {
      outcomes.push(await sendWithFetch(url, size));
      outcomes.push(await sendWithHttp(url, size, 'content-length'));
      outcomes.push(await sendWithHttp(url, size, 'chunked'));
    }
    expect(outcomes).toEqual(Array.from({ length: 30 }, () => ({ status: 413, code: 'PAYLOAD_TOO_LARGE' })));
  });

  it('stays up and answers a request within the limit afterwards', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    expect(router.child.exitCode).toBeNull();
  });
});
