import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { Logger } from '@fedstack/server';
import type { createClient } from 'redis';
import { loadRedis } from '../loadRedis';
import { CircuitBreaker } from '../../upstream/CircuitBreaker';

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
/** Commands that fail or time out in a row before the connection is dropped and Redis left alone for a while. */
const failuresToPause = 3;
/** How long the cache is skipped after that (the circuit is open), before a fresh connection is tried. */
const pauseMs = 5_000;
/** The most commands waiting on one connection; past it, commands fail at once (and count as failures). */
const maxQueuedCommands = 1_000;

type Client = ReturnType<typeof createClient>;

/**
 * The response cache in Redis, shared by every router worker and instance that points at it.
 *
 * A cache is an optimisation, never a dependency: when Redis is down, slow, frozen or not there yet, a
 * read is a miss and a write is dropped within `timeoutMs`, and the request is answered as if there were
 * no cache. Commands are never queued while disconnected, and at most 1,000 wait on a connection. A Redis
 * that accepts commands but does not answer (frozen, or a network that drops packets) keeps the
 * connection open, so timeouts are counted by a circuit breaker (the one the subgraph fetcher uses):
 * after three in a row the circuit opens, the connection is destroyed (which frees what waited on it)
 * and the cache is skipped for 5 s; then a fresh connection is made and one command probes it. The
 * client reconnects on its own after a refused or lost connection, with a growing, jittered delay. The
 * first failure is logged, then one warning per 30 s at most. Closing drops the connection at once.
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const { logger, keyPrefix, timeoutMs } = options;
  let lastWarning = 0;
  const warn = (message: string, error: unknown) => {
    const now = Date.now();
    if (now - lastWarning < warnEveryMs) return;
    lastWarning = now;
    logger.warn({ err: error instanceof Error ? error.message : String(error) }, message);
  };

  const connect = (): Client => {
    const created = loadRedis()({
      url: options.url,
      disableOfflineQueue: true,
      commandsQueueMaxLength: maxQueuedCommands,
      socket: {
        connectTimeout: Math.max(timeoutMs, 1_000),
        reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 6), maxReconnectDelayMs) * (0.5 + Math.random() / 2),
      },
    });
    created.on('error', (error: unknown) => warn('response cache: Redis is unavailable; answering without the cache', error));
    created.on('ready', () => {
      if (lastWarning !== 0) logger.info('response cache: Redis is back');
      lastWarning = 0;
    });
    // Not awaited: the router starts and answers without the cache until Redis is reachable.
    created.connect().catch((error: unknown) => warn('response cache: cannot connect to Redis', error));
    return created;
  };

  let client = connect();
  let closed = false;
  const circuit = new CircuitBreaker({
    failureThreshold: failuresToPause,
    openMs: pauseMs,
    onOpen: () => {
      const dropped = client;
      // Rejects whatever still waits on the old connection, so nothing piles up behind a silent Redis;
      // those rejections arrive while the circuit is open, and count no more.
      drop(dropped);
      // A fresh connection in time for the probe at the end of the pause.
      setTimeout(() => {
        if (!closed && client === dropped) client = connect();
      }, pauseMs).unref();
    },
  });

  const failed = (what: string, error: unknown) => {
    warn(`response cache: Redis ${what} failed; answering without the cache`, error);
    circuit.fail();
  };

  /** Runs a command unless Redis is away or its circuit open; gives up after `timeoutMs`. Resolves undefined on failure. */
  async function attempt<T>(what: string, command: (redis: Client) => Promise<T>): Promise<T | undefined> {
    // Not connected (yet): a miss, and no verdict on Redis, so the circuit is not asked.
    if (closed || !client.isReady || circuit.decide() === 'refuse') return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([command(client), timeout]);
      if (outcome === 'timeout') {
        failed(what, new Error(`no answer within ${timeoutMs} ms`));
        return undefined;
      }
      circuit.succeed();
      return outcome;
    } catch (error) {
      failed(what, error);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async get(key) {
      const value = await attempt('GET', (redis) => redis.get(keyPrefix + key));
      if (value === undefined || value === null) return undefined;
      // What the response cache wrote is `{"data":…}`: anything else under our prefix (another program's
      // value, a truncated one) is a miss, not a request that fails on parsing it.
      if (!value.startsWith('{"data":') || !value.endsWith('}')) {
        warn('response cache: ignoring a value in Redis that the router did not write', new Error(`key ${keyPrefix}${key}`));
        return undefined;
      }
      return value;
    },
    async set(key, value, setOptions?: KeyValueCacheSetOptions) {
      const ttl = setOptions?.ttl;
      // No time to live means "until evicted"; the response cache always gives one (the answer's max-age).
      await attempt('SET', (redis) =>
        ttl ? redis.set(keyPrefix + key, value, { expiration: { type: 'EX', value: Math.max(1, Math.round(ttl)) } }) : redis.set(keyPrefix + key, value),
      );
    },
    async delete(key) {
      return (await attempt('DEL', (redis) => redis.del(keyPrefix + key))) === 1;
    },
    isConnected: () => !closed && !circuit.isOpen && client.isReady,
    async close() {
      // Writes are best-effort, so nothing is worth waiting for: a silent Redis would never answer a QUIT.
      closed = true;
      drop(client);
    },
  };
}

/** Closes a client's connection at once, rejecting what waits on it; nothing if it is closed already. */
function drop(client: Client): void {
  // node-redis throws when destroying a client that is no longer open (dropped before, or never connected).
  if (client.isOpen) client.destroy();
}
