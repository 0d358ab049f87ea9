import { loadSubgraphConfig, type SubgraphConfig } from '@fedstack/subgraph';
import type { Env } from '@fedstack/server';

/**
 * Everything the orders subgraph reads from its environment, read once at start-up: `ORDERS_HOST`,
 * `ORDERS_PORT` (defaults to 4002), `ORDERS_MONGO_URL` or `MONGO_URL`, `ORDERS_DB_NAME` (defaults to `orders`),
 * `ORDERS_SIGNING_SECRET` (shared with the router's `SUBGRAPH_ORDERS_SECRET`), `SIGNATURE_WINDOW_S`,
 * `MAX_PAGE_SIZE` (the largest `first` `User.orders` accepts) and the settings every service has.
 */
export type OrdersConfig = SubgraphConfig;

/** Reads and validates the orders subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): OrdersConfig {
  return loadSubgraphConfig(env, { name: 'orders', prefix: 'ORDERS', defaultPort: 4002 });
}
