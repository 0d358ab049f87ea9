import { loadCommonConfig, loadMongoConfig, readPort, readString, type CommonConfig, type Env, type MongoConfig } from '@fedstack/common';

/** Everything the users subgraph reads from its environment, read once at start-up. */
export interface UsersConfig {
  common: CommonConfig;
  /** `USERS_HOST`: the interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  /** `USERS_PORT`: defaults to 4001; 0 picks a free port. */
  port: number;
  /** `USERS_MONGO_URL` or `MONGO_URL`, and `USERS_DB_NAME` (defaults to `users`). */
  mongo: MongoConfig;
}

/** Reads and validates the users subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): UsersConfig {
  return {
    common: loadCommonConfig(env),
    host: readString(env, 'USERS_HOST', '0.0.0.0'),
    port: readPort(env, 'USERS_PORT', 4001),
    mongo: loadMongoConfig(env, 'USERS', 'users'),
  };
}
