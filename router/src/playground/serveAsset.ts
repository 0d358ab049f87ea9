import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { chooseContentCoding, type ContentCoding } from './negotiateContent';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** A file held in memory with its compressed forms, ready to answer any number of requests. */
export interface PreparedAsset {
  /** The URL path it is served at. */
  path: string;
  /** The `Content-Type` header. */
  contentType: string;
  /** A hash of the raw bytes: the asset's strong validator, and part of the file name of a hashed asset. */
  hash: string;
  /** The raw bytes, for a client that accepts no compression. */
  raw: Buffer;
  /**
   * The gzip and brotli forms, or undefined for a format that is compressed already (fonts). Compressed
   * in the background, on the thread pool, so that building the playground does not hold up the router's
   * start; the first request for the asset waits for them.
   */
  compressed: Promise<Record<ContentCoding, Buffer>> | undefined;
}

/** The files the playground serves, by extension: their content type, and whether compressing them pays. */
const fileTypes: Record<string, { contentType: string; compress: boolean }> = {
  html: { contentType: 'text/html; charset=utf-8', compress: true },
  js: { contentType: 'text/javascript; charset=utf-8', compress: true },
  css: { contentType: 'text/css; charset=utf-8', compress: true },
  // WOFF and WOFF2 are compressed formats already.
  woff: { contentType: 'font/woff', compress: false },
  woff2: { contentType: 'font/woff2', compress: false },
};

/**
 * Hashes a file's bytes and starts compressing them. `path` may hold `[hash]`, which is replaced by the
 * content hash, so the URL changes whenever the content does and the asset can be cached for good:
 *
 * ```ts
 * const asset = prepareAsset('/playground/assets/init.[hash].js', Buffer.from(script));
 * asset.path; // '/playground/assets/init.3f9c0a1b2d4e5f60.js'
 * ```
 */
export function prepareAsset(path: string, raw: Buffer): PreparedAsset {
  const extension = path.slice(path.lastIndexOf('.') + 1);
  const type = fileTypes[extension];
  if (!type) throw new Error(`prepareAsset serves ${Object.keys(fileTypes).join(', ')} files, but got: ${path}`);
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  const compressed = type.compress ? compress(raw) : undefined;
  // A failure surfaces on the request that awaits it; until then, this keeps Node from calling it unhandled.
  compressed?.catch(() => undefined);
  return { path: path.replace('[hash]', hash), contentType: type.contentType, hash, raw, compressed };
}

/**
 * Brotli at quality 9, not its default 11: on graphiql.min.js (3.5 MB) 11 saves another 10% (569 kB
 * against 630 kB) but costs 5 s of CPU at every start, 9 costs 0.3 s. gzip at 9 costs 0.15 s.
 */
async function compress(raw: Buffer): Promise<Record<ContentCoding, Buffer>> {
  const [br, gzipped] = await Promise.all([
    brotliAsync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 9,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gzipAsync(raw, { level: 9 }),
  ]);
  return { br, gzip: gzipped };
}

/** How to answer for one asset: its caching policy and any headers of its own. */
export interface ServeAssetOptions {
  /** The `Cache-Control` header. */
  cacheControl: string;
  /** More response headers, such as a `Content-Security-Policy`. */
  headers?: Record<string, string>;
}

/**
 * Answers a GET or HEAD for an asset: in the best coding the client accepts (`Accept-Encoding`), with an
 * ETag per coding, and 304 when the client's `If-None-Match` already holds it.
 */
export async function serveAsset(request: IncomingMessage, response: ServerResponse, asset: PreparedAsset, options: ServeAssetOptions): Promise<void> {
  const compressed = asset.compressed;
  const coding = compressed ? chooseContentCoding(request.headers['accept-encoding']) : undefined;
  // Each coding is a different representation, so each gets its own tag (RFC 9110, section 8.8.3).
  const etag = coding ? `"${asset.hash}-${coding}"` : `"${asset.hash}"`;
  response.setHeader('cache-control', options.cacheControl);
  response.setHeader('etag', etag);
  if (compressed) appendVary(response, 'Accept-Encoding');
  for (const [name, value] of Object.entries(options.headers ?? {})) response.setHeader(name, value);
  if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
    response.writeHead(304);
    response.end();
    return;
  }
  const body = coding && compressed ? (await compressed)[coding] : asset.raw;
  response.setHeader('content-type', asset.contentType);
  response.setHeader('content-length', body.length);
  if (coding) response.setHeader('content-encoding', coding);
  response.writeHead(200);
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Whether `If-None-Match` lists `etag`, compared weakly (a proxy may have weakened it with `W/`). */
function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === etag;
  });
}

/** Adds to `Vary` instead of replacing it: the HTTP server has already put `Origin` there for CORS. */
export function appendVary(response: ServerResponse, field: string): void {
  const current = response.getHeader('vary');
  const fields = current === undefined ? [] : String(current).split(',').map((name) => name.trim()).filter(Boolean);
  if (!fields.some((name) => name.toLowerCase() === field.toLowerCase())) fields.push(field);
  response.setHeader('vary', fields.join(', '));
}
