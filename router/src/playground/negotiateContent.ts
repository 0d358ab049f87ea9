/** The content codings an asset is kept in, besides its raw bytes. */
export type ContentCoding = 'br' | 'gzip';

/**
 * Picks the coding to send for an `Accept-Encoding` header: the acceptable one with the highest
 * weight, brotli on a tie (it is the smaller), or undefined for the raw bytes.
 *
 * ```ts
 * chooseContentCoding('gzip, deflate, br, zstd'); // 'br'
 * chooseContentCoding('gzip;q=1, br;q=0.5'); // 'gzip'
 * chooseContentCoding(undefined); // undefined
 * ```
 */
export function chooseContentCoding(acceptEncoding: string | undefined): ContentCoding | undefined {
  if (!acceptEncoding) return undefined;
  const weights = parseWeights(acceptEncoding);
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gzipped = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br <= 0 && gzipped <= 0) return undefined;
  return br >= gzipped ? 'br' : 'gzip';
}

/**
 * Whether a request's `Accept` header prefers an HTML page to a GraphQL response: true when `text/html`
 * weighs more than JSON. A browser navigating lists `text/html` first and everything else at q=0.8;
 * GraphQL clients list JSON types; `curl` and `fetch` accept any type at one weight, so they get GraphQL.
 *
 * ```ts
 * prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9'); // true
 * prefersHtml('application/graphql-response+json, application/json'); // false
 * prefersHtml('text/html, application/json'); // false: a tie is GraphQL's
 * ```
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const ranges = parseWeights(accept);
  const html = mediaTypeWeight(ranges, 'text/html');
  const json = Math.max(mediaTypeWeight(ranges, 'application/json'), mediaTypeWeight(ranges, 'application/graphql-response+json'));
  return html > json;
}

/** The weight of a media type: taken from the most specific range that matches it (RFC 9110, section 12.5.1). */
function mediaTypeWeight(ranges: Map<string, number>, type: string): number {
  return ranges.get(type) ?? ranges.get(`${type.split('/')[0]}/*`) ?? ranges.get('*/*') ?? 0;
}

/** Parses `a, b;q=0.5` into lower-cased names and weights (1 when not given). Parameters other than q are ignored. */
function parseWeights(header: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...parameters] = part.split(';').map((piece) => piece.trim());
    if (!name) continue;
    const q = parameters.find((parameter) => /^q=/i.test(parameter));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name.toLowerCase(), Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}

