import { loadCommonConfig, loadMongoConfig, loadSigningConfig, readMaxPageSize, readPort, readString, type CommonConfig, type Env, type MongoConfig, type SigningConfig } from '@fedstack/common';

/** Everything the orders subgraph reads from its environment, read once at start-up. */
export interface OrdersConfig {
  common: CommonConfig;
  /** `ORDERS_HOST`: the interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  /** `ORDERS_PORT`: defaults to 4002; 0 picks a free port. */
  port: number;
  /** `ORDERS_MONGO_URL` or `MONGO_URL`, and `ORDERS_DB_NAME` (defaults to `orders`). */
  mongo: MongoConfig;
  /** `ORDERS_SIGNING_SECRET` (shared with the router's `SUBGRAPH_ORDERS_SECRET`) and `SIGNATURE_WINDOW_S`. */
  signing: SigningConfig;
  /**
   * `MAX_PAGE_SIZE`: the largest `first` `User.orders` accepts (more is `BAD_USER_INPUT` naming this maximum).
   * The same setting as the router's, which refuses a larger page before calling this subgraph. Defaults to 100.
   */
  maxPageSize: number;
}

/** Reads and validates the orders subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): OrdersConfig {
  const common = loadCommonConfig(env);
  return {
    common,
    host: readString(env, 'ORDERS_HOST', '0.0.0.0'),
    port: readPort(env, 'ORDERS_PORT', 4002),
    mongo: loadMongoConfig(env, 'ORDERS', 'orders'),
    signing: loadSigningConfig(env, 'ORDERS', 'orders', common.nodeEnv),
    maxPageSize: readMaxPageSize(env),
  };
}
