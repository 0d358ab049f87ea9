import type { DelayProxy } from '@fedstack/devkit';
import { waitFor } from './waitFor';

/**
 * Sends `send()` while `proxies` hold every request that reaches them, and releases them only once
 * `arrived()` holds (a bounded poll, see {@link waitFor}): the requests a test expects are in flight
 * together by construction, whatever the machine's load, where a delay only makes that likely.
 */
export async function whileHeld<T>(proxies: readonly DelayProxy[], send: () => Promise<T>, what: string, arrived: () => Promise<boolean> | boolean): Promise<T> {
  const releases = proxies.map((proxy) => proxy.hold());
  const sent = send();
  // Seen, so that a rejection while the poll runs is not unhandled; it is rethrown below.
  sent.catch(() => {});
  try {
    await waitFor(what, async () => ((await arrived()) ? true : undefined));
  } finally {
    for (const release of releases) release();
  }
  return sent;
}

/**
 * The sum of a counter's (or gauge's) series in a service's `/metrics` (next to its `/graphql`) whose
 * labels contain `labels`; a series without labels counts when `labels` is empty.
 */
export async function readCounter(graphqlUrl: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, '/metrics'))).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\d+)$`, 'gm'))]
    .filter((match) => (match[1] ?? '').includes(labels))
    .reduce((sum, match) => sum + Number(match[2]), 0);
}
