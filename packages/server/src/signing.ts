import { createHmac, hash, timingSafeEqual } from 'node:crypto';

/**
 * How the router and the subgraphs trust each other. The router signs every request it sends to a
 * subgraph with that subgraph's secret: HMAC-SHA256 over the method, the path, a timestamp, the identity
 * it forwards and the body. A subgraph serves only requests whose signature checks out and whose
 * timestamp is within a short window, so reaching a subgraph's port is not enough to call `_entities`,
 * and the identity headers cannot be forged or swapped onto another body. See docs/security.md.
 */

/** The headers of a signed request, in lower case as node:http gives them. */
export const signatureHeaders = {
  timestamp: 'x-fedstack-timestamp',
  signature: 'x-fedstack-signature',
  /** The verified user id the router forwards; absent for anonymous requests. */
  userId: 'x-fedstack-user-id',
  /** The verified roles the router forwards, comma-separated. */
  roles: 'x-fedstack-roles',
} as const;

/** What a signature covers. */
export interface SignedParts {
  method: string;
  /** Path and query string, e.g. `/graphql`. */
  path: string;
  /** Unix time in seconds. */
  timestamp: number;
  userId: string;
  roles: string;
  body: string;
}

/** Computes the hex signature of a request. */
export function signRequest(secret: string, parts: SignedParts): string {
  // One-shot: no Hash object per request (the router signs several per client request).
  const bodyHash = hash('sha256', parts.body, 'hex');
  const payload = ['v1', parts.method.toUpperCase(), parts.path, String(parts.timestamp), parts.userId, parts.roles, bodyHash].join('\n');
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Why a request's signature was refused, for the log and the 401 message. */
export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a request's signature and timestamp. `nowSeconds` and `windowSeconds` bound replays: a captured
 * request can be sent again only within the window.
 */
export function verifyRequestSignature(
  secret: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  request: { method: string; path: string; body: string },
  options: { nowSeconds: number; windowSeconds: number },
): SignatureCheck {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const signature = header(signatureHeaders.signature);
  const timestampText = header(signatureHeaders.timestamp);
  if (!signature || !timestampText) return { ok: false, reason: 'the request is not signed' };
  const timestamp = Number(timestampText);
  if (!Number.isInteger(timestamp) || Math.abs(options.nowSeconds - timestamp) > options.windowSeconds) {
    return { ok: false, reason: `the signature's timestamp is outside the ${options.windowSeconds} s window` };
  }
  const expected = Buffer.from(
    signRequest(secret, { ...request, timestamp, userId: header(signatureHeaders.userId) ?? '', roles: header(signatureHeaders.roles) ?? '' }),
    'hex',
  );
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}
