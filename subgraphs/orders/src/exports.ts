/**
 * @fedstack/orders' public API: what tooling (scripts, tests, the benchmark, the devkit) may use. The
 * subgraph runs from `index.ts`. Its data access and loaders are here for the seed and for the bench's
 * ceiling, which must send the very commands the subgraph sends.
 */
export { loadConfig } from './config';
export type { OrdersConfig } from './config';
export type { OrdersContext } from './context';
export { countOrdersOfUsers, createOrdersOfUsersReader, ensureOrderIndexes, findOrdersOfUsers, insertOrder, ordersCollection } from './data/orders';
export type { OrderDocument, OrdersBatchQuery, OrdersOfUsersFilter, OrdersOfUsersReader } from './data/orders';
export { createLoaders } from './loaders';
export { createOrdersService } from './service';
