import type * as Redis from 'redis';

/**
 * node-redis's `createClient`, loaded the first time a Redis URL is used (`REDIS_URL`, a manifest in
 * Redis). The client and its command modules are some 600 files and 10–17 MiB of a process's resident
 * set, which a router without Redis, the default, has no use for.
 */
export function loadRedis(): typeof Redis.createClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  return (require('redis') as typeof Redis).createClient;
}
