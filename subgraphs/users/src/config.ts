import { loadCommonConfig, loadMongoConfig, loadSigningConfig, readMaxPageSize, readPort, readString, type CommonConfig, type Env, type MongoConfig, type SigningConfig } from '@fedstack/common';

/** Everything the users subgraph reads from its environment, read once at start-up. */
export interface UsersConfig {
  common: CommonConfig;
  /** `USERS_HOST`: the interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  /** `USERS_PORT`: defaults to 4001; 0 picks a free port. */
  port: number;
  /** `USERS_MONGO_URL` or `MONGO_URL`, and `USERS_DB_NAME` (defaults to `users`). */
  mongo: MongoConfig;
  /** `USERS_SIGNING_SECRET` (shared with the router's `SUBGRAPH_USERS_SECRET`) and `SIGNATURE_WINDOW_S`. */
  signing: SigningConfig;
  /**
   * `MAX_PAGE_SIZE`: the largest `first` `Query.users` accepts (more is `BAD_USER_INPUT` naming this maximum).
   * The same setting as the router's, which refuses a larger page before calling this subgraph. Defaults to 100.
   */
  maxPageSize: number;
}

/** Reads and validates the users subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): UsersConfig {
  const common = loadCommonConfig(env);
  return {
    common,
    host: readString(env, 'USERS_HOST', '0.0.0.0'),
    port: readPort(env, 'USERS_PORT', 4001),
    mongo: loadMongoConfig(env, 'USERS', 'users'),
    signing: loadSigningConfig(env, 'USERS', 'users', common.nodeEnv),
    maxPageSize: readMaxPageSize(env),
  };
}
