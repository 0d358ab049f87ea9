import { signatureHeaders, signRequest } from '@fedstack/server';
import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';

/**
 * Wraps the fetch the gateway uses for one subgraph so that every request is signed with that
 * subgraph's secret, over the exact bytes sent: the method, path, a timestamp, the identity headers the
 * data source set, and the body (see `signRequest` in @fedstack/server).
 */
export function createSigningFetcher(secret: string, base: Fetcher): Fetcher {
  // The path signed, per URL: a fetcher serves one subgraph, so this holds one or two entries.
  const paths = new Map<string, string>();
  return (url: string, init?: FetcherRequestInit) => {
    const headers: Record<string, string> = { ...init?.headers };
    const timestamp = Math.floor(Date.now() / 1000);
    let path = paths.get(url);
    if (path === undefined) {
      const { pathname, search } = new URL(url);
      path = `${pathname}${search}`;
      if (paths.size < 16) paths.set(url, path);
    }
    headers[signatureHeaders.timestamp] = String(timestamp);
    headers[signatureHeaders.signature] = signRequest(secret, {
      method: init?.method ?? 'GET',
      path,
      timestamp,
      userId: headers[signatureHeaders.userId] ?? '',
      roles: headers[signatureHeaders.roles] ?? '',
      body: typeof init?.body === 'string' ? init.body : '',
    });
    return base(url, { ...init, headers });
  };
}
