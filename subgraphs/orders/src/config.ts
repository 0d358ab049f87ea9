import { loadSubgraphConfig, type SubgraphConfig } from '@fedstack/subgraph';
import { readEnum, type Env } from '@fedstack/server';
import { ordersBatchQueries, type OrdersBatchQuery } from './data/orders';

/**
 * Everything the orders subgraph reads from its environment, read once at start-up: `ORDERS_HOST`,
 * `ORDERS_PORT` (defaults to 4002), `ORDERS_MONGO_URL` or `MONGO_URL`, `ORDERS_DB_NAME` (defaults to `orders`),
 * `ORDERS_SIGNING_SECRET` (shared with the router's `SUBGRAPH_ORDERS_SECRET`), `SIGNATURE_WINDOW_S`,
 * `MAX_PAGE_SIZE` (the largest `first` `User.orders` accepts), `ORDERS_BATCH_QUERY` and the settings
 * every service has.
 */
export interface OrdersConfig extends SubgraphConfig {
  /**
   * How a batch of several users' orders is read (`ORDERS_BATCH_QUERY`): `group` cuts each user's list
   * in the database (`$group` with `$firstN`, MongoDB 5.2 or newer; on an older server the subgraph
   * falls back to `find` with a warning), `find` reads every matching order and cuts in the subgraph.
   * Defaults to `group`.
   */
  batchQuery: OrdersBatchQuery;
}

/** Reads and validates the orders subgraph's settings; throws a `ConfigError` naming what to change. */
export function loadConfig(env: Env): OrdersConfig {
  return {
    ...loadSubgraphConfig(env, { name: 'orders', prefix: 'ORDERS', defaultPort: 4002 }),
    batchQuery: readEnum(env, 'ORDERS_BATCH_QUERY', ordersBatchQueries, 'group'),
  };
}
