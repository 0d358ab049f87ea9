import { request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { productionEnv } from '../support/auth';
import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

/** What Chromium sends when it navigates to a page. */
const browserAccept = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The bytes as sent: still compressed when `content-encoding` says so (fetch would decompress them). */
  body: Buffer;
}

/** A GET (or HEAD) with exactly these headers, answered with the bytes on the wire. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The paths of the files a stylesheet names (its fonts), leaving out data: URLs. */
function stylesheetUrls(css: string): string[] {
  return [...css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((match) => match[1]!).filter((url) => !url.startsWith('data:'));
}

/** The paths of the scripts and styles a page loads, in order. */
function assetPaths(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((path) => !path.startsWith('data:'));
}

const introspection = '{ __schema { queryType { name } } }';

describe('the playground', () => {
  let stack: Stack;
  let origin: string;
  let html: string;
  beforeAll(async () => {
    stack = await startStack();
    origin = new URL(stack.routerUrl).origin;
    html = (await get(`${origin}/playground`)).body.toString('utf8');
  });
  afterAll(() => stack.stop());

  it('is served at /playground as HTML with a strict Content-Security-Policy', async () => {
    const response = await get(`${origin}/playground`);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; script-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body.toString('utf8')).toContain('<div id="graphiql">');
  });

  it('is served at /graphql to a browser that navigates there, and the answer varies by Accept', async () => {
    const response = await get(stack.routerUrl, { accept: browserAccept });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body.toString('utf8')).toBe(html);
    expect(response.headers['vary']).toMatch(/\bAccept\b/);
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers HEAD like GET, without a body', async () => {
    const response = await get(`${origin}/playground`, {}, 'HEAD');
    expect(response.status).toBe(200);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(html));
    expect(response.body.length).toBe(0);
  });

  it('leaves GraphQL alone: a GET with ?query=, a POST, and a client asking for JSON', async () => {
    const query = await get(`${stack.routerUrl}?query=${encodeURIComponent('{ __typename }')}`, { accept: browserAccept, 'apollo-require-preflight': 'true' });
    expect(query.headers['content-type']).toContain('application/json');
    expect(JSON.parse(query.body.toString('utf8'))).toEqual({ data: { __typename: 'Query' } });
    expect((await postGraphQL(stack.routerUrl, '{ __typename }')).body).toEqual({ data: { __typename: 'Query' } });
    for (const accept of ['application/json', 'application/graphql-response+json, application/json', '*/*']) {
      expect((await get(stack.routerUrl, { accept })).headers['content-type']).not.toContain('text/html');
    }
  });

  it('has no URL of another site in it: it works offline', () => {
    expect(html).not.toMatch(/https?:\/\//);
    expect(assetPaths(html).every((path) => path.startsWith('/playground/assets/'))).toBe(true);
  });

  it('loads React, ReactDOM, GraphiQL, the explorer and its own script, each from a file, with no inline script', () => {
    const paths = assetPaths(html);
    expect(paths.map((path) => path.replace(/\.[0-9a-f]{16}\./, '.[hash].'))).toEqual([
      '/playground/assets/graphiql.[hash].css',
      '/playground/assets/explorer.[hash].css',
      '/playground/assets/playground.[hash].css',
      '/playground/assets/react.[hash].js',
      '/playground/assets/react-dom.[hash].js',
      '/playground/assets/graphiql.[hash].js',
      '/playground/assets/explorer.[hash].js',
      '/playground/assets/init.[hash].js',
    ]);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('sends its GraphQL to a URL relative to the page, and has no other site in its own script either', async () => {
    const init = assetPaths(html).find((path) => path.includes('/init.'))!;
    const script = (await get(`${origin}${init}`)).body.toString('utf8');
    expect(script).toContain('"endpoint":"/graphql"');
    expect(script).toContain('new URL(settings.endpoint, location.href)');
    expect(script).not.toMatch(/https?:\/\//);
  });

  it('serves every asset compressed (brotli and gzip) or raw, cacheable for good, and 304 when the client has it', async () => {
    for (const path of assetPaths(html)) {
      const raw = await get(`${origin}${path}`);
      expect(raw.status).toBe(200);
      expect(raw.headers['content-type']).toBe(path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8');
      expect(raw.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(raw.headers['x-content-type-options']).toBe('nosniff');
      expect(raw.headers['vary']).toMatch(/\bAccept-Encoding\b/);
      expect(raw.headers['content-encoding']).toBeUndefined();

      const br = await get(`${origin}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(br.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(br.body).equals(raw.body)).toBe(true);
      const gzipped = await get(`${origin}${path}`, { 'accept-encoding': 'gzip' });
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzipped.body).equals(raw.body)).toBe(true);

      const etags = [raw, br, gzipped].map((response) => response.headers['etag'] as string);
      expect(new Set(etags).size).toBe(3);
      const cached = await get(`${origin}${path}`, { 'accept-encoding': 'gzip, deflate, br', 'if-none-match': etags[1]! });
      expect(cached.status).toBe(304);
      expect(cached.body.length).toBe(0);
      expect(cached.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('serves the fonts GraphiQL’s stylesheet names as files of their own, as they are, cacheable for good', async () => {
    const stylesheet = (await get(`${origin}${assetPaths(html)[0]}`)).body.toString('utf8');
    expect(stylesheet).not.toMatch(/data:font\//);
    const fonts = [...new Set(stylesheetUrls(stylesheet))];
    expect(fonts.length).toBe(34);
    for (const path of fonts) {
      expect(path).toMatch(/^\/playground\/assets\/font\.[0-9a-f]{16}\.woff2?$/);
      const font = await get(`${origin}${path}`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(font.status).toBe(200);
      expect(font.headers['content-type']).toBe(path.endsWith('.woff2') ? 'font/woff2' : 'font/woff');
      // WOFF and WOFF2 are compressed already.
      expect(font.headers['content-encoding']).toBeUndefined();
      expect(font.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(font.body.subarray(0, 4).toString('latin1')).toBe(path.endsWith('.woff2') ? 'wOF2' : 'wOFF');
    }
  });

  it('answers 304 for the page too when it has not changed', async () => {
    const first = await get(`${origin}/playground`, { 'accept-encoding': 'br' });
    expect(first.headers['content-encoding']).toBe('br');
    const again = await get(`${origin}/playground`, { 'accept-encoding': 'br', 'if-none-match': first.headers['etag'] as string });
    expect(again.status).toBe(304);
  });

  it('leaves unknown assets, and other methods, to the router’s 404', async () => {
    expect((await get(`${origin}/playground/assets/graphiql.0000000000000000.js`)).status).toBe(404);
    expect((await fetch(`${origin}/playground`, { method: 'POST' })).status).toBe(404);
  });

  it('weighs under 1 MB over the wire with brotli, before fonts', async () => {
    const weight = { raw: 0, gzip: 0, br: 0 };
    const row = (name: string, raw: number, gzipped: number, br: number) => `  ${name.padEnd(52)} ${String(raw).padStart(9)} ${String(gzipped).padStart(9)} ${String(br).padStart(9)}`;
    const lines: string[] = [];
    for (const path of ['/playground', ...assetPaths(html)]) {
      const [raw, gzipped, br] = await Promise.all([get(`${origin}${path}`), get(`${origin}${path}`, { 'accept-encoding': 'gzip' }), get(`${origin}${path}`, { 'accept-encoding': 'br' })]);
      weight.raw += raw.body.length;
      weight.gzip += gzipped.body.length;
      weight.br += br.body.length;
      lines.push(row(path, raw.body.length, gzipped.body.length, br.body.length));
    }
    const stylesheet = (await get(`${origin}${assetPaths(html)[0]}`)).body.toString('utf8');
    let fonts = 0;
    for (const path of new Set(stylesheetUrls(stylesheet))) fonts += (await get(`${origin}${path}`)).body.length;
    process.stdout.write(
      `playground page weight in bytes (raw, gzip, br):\n${lines.join('\n')}\n${row('page and assets', weight.raw, weight.gzip, weight.br)}\n` +
        `${row('all 34 font files (a page loads the faces it shows)', fonts, fonts, fonts)}\n`,
    );
    // GraphiQL's prebuilt file is most of it; a budget catches a development build of React or a duplicate.
    expect(weight.br).toBeLessThan(1_000_000);
    expect(weight.gzip).toBeLessThan(1_000_000);
    expect(weight.br).toBeLessThan(weight.gzip);
  });
});

describe('the playground in production', () => {
  it('is off, and so is introspection, with NODE_ENV=production and neither switch set', async () => {
    const stack = await startStack({ env: productionEnv() });
    try {
      const origin = new URL(stack.routerUrl).origin;
      expect((await get(`${origin}/playground`)).status).toBe(404);
      const navigation = await get(stack.routerUrl, { accept: browserAccept });
      expect(navigation.headers['content-type']).not.toContain('text/html');
      expect(navigation.body.toString('utf8')).not.toContain('<div id="graphiql">');
      // Production runs only its clients' manifests: the text is refused before introspection is considered.
      const { status, body } = await postGraphQL(stack.routerUrl, introspection);
      expect([status, body.errors?.[0]?.extensions?.code]).toEqual([400, 'PERSISTED_DOCUMENT_REQUIRED']);
    } finally {
      await stack.stop();
    }
  });

  it('refuses introspection too when operation text is allowed (PERSISTED_DOCUMENTS=allow)', async () => {
    const stack = await startStack({ env: { ...productionEnv(), PERSISTED_DOCUMENTS: 'allow' } });
    try {
      const { body } = await postGraphQL(stack.routerUrl, introspection);
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await stack.stop();
    }
  });

  it('is on, with introspection for its docs, when PLAYGROUND=true and INTROSPECTION=true (and operation text is allowed)', async () => {
    const stack = await startStack({ env: { ...productionEnv(), PLAYGROUND: 'true', INTROSPECTION: 'true', PERSISTED_DOCUMENTS: 'allow' } });
    try {
      const origin = new URL(stack.routerUrl).origin;
      const page = await get(`${origin}/playground`);
      expect(page.status).toBe(200);
      expect(page.body.toString('utf8')).toContain('<div id="graphiql">');
      expect((await get(stack.routerUrl, { accept: browserAccept })).headers['content-type']).toBe('text/html; charset=utf-8');
      expect((await postGraphQL(stack.routerUrl, introspection)).body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
    } finally {
      await stack.stop();
    }
  });
});
