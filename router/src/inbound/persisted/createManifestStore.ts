import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@fedstack/server';
import type { createClient } from 'redis';
import { loadRedis } from '../loadRedis';
import { readManifest, type ManifestEntry } from './readManifest';

/** Where the router's manifests come from (see config.ts for the variables). */
export interface ManifestSources {
  /** `PERSISTED_DOCUMENTS_PATH`: manifest files, or folders whose every `*.json` is one. */
  paths: readonly string[];
  /** `PERSISTED_DOCUMENTS_POLL_INTERVAL_MS`: how often the files and Redis are looked at for changes. */
  pollIntervalMs: number;
  /** `REDIS_URL` and `REDIS_KEY_PREFIX`: manifests published to Redis, for every router instance at once. */
  redis?: { url: string; keyPrefix: string; timeoutMs: number } | undefined;
}

/** The operations of every manifest the router has loaded, looked up by id. */
export interface ManifestStore {
  /** The operation a key ({@link documentKey}) stands for, or undefined. Never waits: all is in memory. */
  lookup(key: string): ManifestEntry | undefined;
  /** How many operations are loaded. */
  readonly size: number;
  /** Looks at every source now instead of at the next poll; resolves when done. */
  refresh(): Promise<void>;
  close(): Promise<void>;
}

/** The Redis hash a deploy publishes operations into (field: id, value: text), after `REDIS_KEY_PREFIX`. */
export const redisManifestKey = 'persisted-documents';
/** Bumped by every publish, so that routers reload the hash only when it changed. */
export const redisManifestVersionKey = 'persisted-documents:version';

/**
 * Loads the manifests and keeps them current.
 *
 * Files are read at once, and a file that is missing or wrong stops the start (a router in `require` mode
 * without its manifest would refuse everything). Afterwards they are looked at every `pollIntervalMs`:
 * when a file's size, time or inode changed, or a file came or went in a folder, all are read again, and
 * the new set replaces the old one whole, so an operation removed from every manifest stops running. A
 * manifest that fails to read then is logged and the previous set kept: a bad deploy does not take down
 * the operations already running. Polling the files' metadata rather than `fs.watch` works the same on
 * every file system and with deploys that replace a file by renaming another over it.
 *
 * With Redis, each router polls `<prefix>persisted-documents:version` and reloads the hash
 * `<prefix>persisted-documents` when it changed (`npm run documents:publish` writes both). Lookups never
 * go to Redis: a request waits for no network, and a Redis outage leaves the last set loaded in place.
 */
export function createManifestStore(sources: ManifestSources, logger: Logger): ManifestStore {
  let fileEntries = readFiles(sources.paths);
  let fileSignature = signatureOf(sources.paths);
  let redisEntries: ManifestEntry[] = [];
  let redisVersion: string | null | undefined;
  let byKey = merge(fileEntries, redisEntries);

  const redis = sources.redis ? connectRedis(sources.redis.url, logger) : undefined;

  const pollFiles = () => {
    const signature = signatureOf(sources.paths);
    if (signature === fileSignature) return;
    fileSignature = signature;
    try {
      fileEntries = readFiles(sources.paths);
      byKey = merge(fileEntries, redisEntries);
      logger.info(`trusted documents: manifests reloaded, ${byKey.size} operations`);
    } catch (error) {
      logger.error('trusted documents: a manifest changed but cannot be read; the operations loaded before stay', error);
    }
  };

  const pollRedis = async () => {
    if (!redis || !sources.redis || !redis.isReady) return;
    const { keyPrefix, timeoutMs } = sources.redis;
    try {
      const version = await withTimeout(redis.get(keyPrefix + redisManifestVersionKey), timeoutMs);
      if (version === redisVersion) return;
      const hash = await withTimeout(redis.hGetAll(keyPrefix + redisManifestKey), timeoutMs * 10);
      redisEntries = readManifest(JSON.stringify(hash), `Redis ${keyPrefix}${redisManifestKey}`);
      redisVersion = version;
      byKey = merge(fileEntries, redisEntries);
      logger.info(`trusted documents: manifests in Redis loaded (version ${version ?? 'none'}), ${byKey.size} operations`);
    } catch (error) {
      logger.warn(`trusted documents: cannot read the manifests in Redis; the operations loaded before stay (${error instanceof Error ? error.message : String(error)})`);
    }
  };

  let polling: Promise<void> = Promise.resolve();
  const poll = () => {
    polling = polling.then(async () => {
      pollFiles();
      await pollRedis();
    });
    return polling;
  };
  const timer = setInterval(() => void poll(), sources.pollIntervalMs);
  timer.unref();
  if (redis) redis.on('ready', () => void poll());

  return {
    lookup: (key) => byKey.get(key),
    get size() {
      return byKey.size;
    },
    refresh: poll,
    async close() {
      clearInterval(timer);
      if (redis?.isOpen) redis.destroy();
    },
  };
}

/** Reads every manifest in `paths` (a folder stands for its `*.json` files, in name order). */
function readFiles(paths: readonly string[]): ManifestEntry[] {
  return listManifestFiles(paths).flatMap((file) => {
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read the manifest ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return readManifest(content, file);
  });
}

function listManifestFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let isFolder = false;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      // A missing file is reported by readFiles, with its name.
    }
    if (!isFolder) return [path];
    return readdirSync(path)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => join(path, name));
  });
}

/** What changes when any manifest file changes, is added, removed or replaced. */
function signatureOf(paths: readonly string[]): string {
  return listManifestFiles(paths)
    .map((file) => {
      try {
        const stat = statSync(file);
        return `${file}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch {
        return `${file}:missing`;
      }
    })
    .join('\n');
}

/**
 * One map of every source's operations. A sha256 id always stands for the same text (readManifest
 * checks it); a custom id that two manifests give different texts is refused, not resolved by order.
 */
function merge(...sets: ManifestEntry[][]): Map<string, ManifestEntry> {
  const byKey = new Map<string, ManifestEntry>();
  for (const entry of sets.flat()) {
    const known = byKey.get(entry.key);
    if (known && known.body !== entry.body) throw new Error(`two manifests give the id ${entry.key} different texts: rename one of the operations' ids.`);
    byKey.set(entry.key, entry);
  }
  return byKey;
}

type Client = ReturnType<typeof createClient>;

/** A Redis connection that is never waited for: the router starts and runs on its files meanwhile. */
function connectRedis(url: string, logger: Logger): Client {
  const client = loadRedis()({
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 6), 5_000) },
  });
  let warned = false;
  client.on('error', (error: unknown) => {
    if (warned) return;
    warned = true;
    logger.warn(`trusted documents: Redis is unavailable; serving the manifests loaded before (${error instanceof Error ? error.message : String(error)})`);
  });
  client.on('ready', () => {
    warned = false;
  });
  client.connect().catch(() => undefined);
  return client;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
