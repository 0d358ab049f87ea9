import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { signatureHeaders } from '@fedstack/server';
import { isMutationBody } from './createResilientFetcher';

/**
 * In-flight deduplication of subgraph requests: while a query is on its way to a subgraph, an identical
 * one (same URL, same body, and the same forwarded identity) waits for that answer instead of sending
 * its own. Under load many clients ask the same thing at the same moment (a popular user's page); the
 * subgraph then does the work once.
 *
 * Identity is part of the key, so one user's answer never reaches another; mutations are never shared.
 * Nothing is kept once the answer has arrived: this is not a cache. `DEDUPE_SUBGRAPH_REQUESTS=false`
 * turns it off. `onShared` is told of each request that waited for another instead of being sent.
 */
export function createDedupingFetcher(base: Fetcher, onShared: () => void): Fetcher {
  // The first answer itself is never read: every waiting request, the first included, reads its own clone.
  const inflight = new Map<string, Promise<FetcherResponse>>();
  return async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
    const body = typeof init?.body === 'string' ? init.body : undefined;
    if (body === undefined || isMutationBody(body)) return base(url, init);
    const headers = init?.headers ?? {};
    const key = [url, headers[signatureHeaders.userId] ?? '', headers[signatureHeaders.roles] ?? '', body].join('\n');
    let pending = inflight.get(key);
    if (!pending) {
      pending = base(url, init).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    } else {
      onShared();
    }
    return (await pending).clone();
  };
}
