import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@fedstack/common';
import { createClient } from 'redis';

/** A cache in Redis that the router can stop using at any moment without failing a request. */
export interface RedisCache extends KeyValueCache<string> {
  /** Whether the client is connected right now (for logs and tests; the cache works either way). */
  isConnected(): boolean;
  /** Closes the connection; the cache misses from then on. */
  close(): Promise<void>;
}

export interface RedisCacheOptions {
  url: string;
  /** Each key the cache writes starts with this, so several deployments can share one Redis. */
  keyPrefix: string;
  /** How long one `GET` or `SET` may take before the router goes on without it. */
  timeoutMs: number;
  logger: Logger;
}

/** The longest wait between two attempts to reach Redis again. */
const maxReconnectDelayMs = 5_000;
/** At most one warning per this long while Redis keeps failing, so an outage does not flood the log. */
const warnEveryMs = 30_000;

/**
 * The response cache in Redis, shared by every router worker and instance that points at it.
 *
 * A cache is an optimisation, never a dependency: when Redis is down, slow or not there yet, a read is a
 * miss and a write is dropped, within `timeoutMs`, and the request is answered as if there were no cache.
 * Commands are never queued while disconnected (they would pile up in memory); the client reconnects on
 * its own with a growing delay. The first failure is logged, then one warning per 30 s at most.
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const { logger, keyPrefix, timeoutMs } = options;
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: Math.max(timeoutMs, 1_000),
      reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 6), maxReconnectDelayMs),
    },
  });
  let lastWarning = 0;
  const warn = (message: string, error: unknown) => {
    const now = Date.now();
    if (now - lastWarning < warnEveryMs) return;
    lastWarning = now;
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, message);
  };
  client.on('error', (error: unknown) => warn('response cache: Redis is unavailable; answering without the cache', error));
  client.on('ready', () => {
    if (lastWarning !== 0) logger.info('response cache: Redis is back');
    lastWarning = 0;
  });
  // Not awaited: the router starts and answers without the cache until Redis is reachable.
  client.connect().catch((error: unknown) => warn('response cache: cannot connect to Redis', error));

  /** Runs a command unless the client is away; gives up after `timeoutMs`. Resolves undefined on failure. */
  async function attempt<T>(what: string, command: () => Promise<T>): Promise<T | undefined> {
    if (!client.isReady) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => {
        warn(`response cache: Redis ${what} took over ${timeoutMs} ms; answering without the cache`, new Error('timeout'));
        resolve(undefined);
      }, timeoutMs);
    });
    try {
      return await Promise.race([command(), timeout]);
    } catch (error) {
      warn(`response cache: Redis ${what} failed; answering without the cache`, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(key) {
      const value = await attempt('GET', () => client.get(keyPrefix + key));
      return value ?? undefined;
    },
    async set(key, value, setOptions?: KeyValueCacheSetOptions) {
      const ttl = setOptions?.ttl;
      // No time to live means "until evicted"; the response cache always gives one (the answer's max-age).
      await attempt('SET', () =>
        ttl ? client.set(keyPrefix + key, value, { expiration: { type: 'EX', value: Math.max(1, Math.round(ttl)) } }) : client.set(keyPrefix + key, value),
      );
    },
    async delete(key) {
      return (await attempt('DEL', () => client.del(keyPrefix + key))) === 1;
    },
    isConnected: () => client.isReady,
    async close() {
      if (client.isOpen) await client.close();
      else client.destroy();
    },
  };
}
