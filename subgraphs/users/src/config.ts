import { loadSubgraphConfig, type SubgraphConfig } from '@fedstack/subgraph';
import type { Env } from '@fedstack/server';

/**
 * Everything the users subgraph reads from its environment, read once at start-up: `USERS_HOST`,
 * `USERS_PORT` (defaults to 4001), `USERS_MONGO_URL` or `MONGO_URL`, `USERS_DB_NAME` (defaults to `users`),
 * `USERS_SIGNING_SECRET` (shared with the router's `SUBGRAPH_USERS_SECRET`), `SIGNATURE_WINDOW_S`,
 * `MAX_PAGE_SIZE` (the largest `first` `Query.users` accepts) and the settings every service has.
 */
export type UsersConfig = SubgraphConfig;

/** Reads and validates the users subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): UsersConfig {
  return loadSubgraphConfig(env, { name: 'users', prefix: 'USERS', defaultPort: 4001 });
}
