import { createClient } from 'redis';
import { readManifest, redisManifestKey, redisManifestVersionKey } from '@fedstack/router';

/** One manifest to publish: its content and where it came from (for messages). */
export interface ManifestFile {
  source: string;
  content: string;
}

/** What {@link publishDocuments} did. */
export interface PublishResult {
  /** Operations in the given manifests. */
  operations: number;
  /** Operations in Redis afterwards, from every publish. */
  total: number;
}

/**
 * Publishes manifests to the Redis the routers read (`REDIS_URL`), so that every instance serves their
 * operations within its poll interval, with no restart and no file to copy to each one.
 *
 * Every manifest is read and checked as the router reads it (each sha256 id must be its text's hash;
 * each text one operation) before anything is written: a bad file publishes nothing. Publishing adds:
 * the operations of clients still running an older build stay. `replace` removes every operation not
 * in these manifests, once no client of an older build is left. The version key is bumped last, in the
 * same transaction, so a router never reloads a half-written set.
 */
export async function publishDocuments(redisUrl: string, keyPrefix: string, manifests: readonly ManifestFile[], options: { replace?: boolean } = {}): Promise<PublishResult> {
  const entries = manifests.flatMap((manifest) => readManifest(manifest.content, manifest.source));
  if (entries.length === 0 && !options.replace) throw new Error('the manifests hold no operation: nothing to publish.');
  const client = createClient({ url: redisUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const hashKey = keyPrefix + redisManifestKey;
    const transaction = client.multi();
    if (options.replace) transaction.del(hashKey);
    if (entries.length > 0) transaction.hSet(hashKey, Object.fromEntries(entries.map((entry) => [entry.key, entry.body])));
    transaction.incr(keyPrefix + redisManifestVersionKey);
    await transaction.exec();
    return { operations: entries.length, total: await client.hLen(hashKey) };
  } finally {
    client.destroy();
  }
}
