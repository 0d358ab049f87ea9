import type { Logger, Viewer } from '@fedstack/server';
import type { SubgraphRequestScope } from '@fedstack/subgraph';
import type { Collection } from 'mongodb';
import type { OrderDocument, OrdersOfUsersReader } from './data/orders';
import { createLoaders, type OrdersLoaders } from './loaders';

/** What every resolver of the orders subgraph receives. */
export interface OrdersContext {
  orders: Collection<OrderDocument>;
  loaders: OrdersLoaders;
  /** Who is asking, as the router verified it. */
  viewer: Viewer;
  /** Follows the request through logs and error responses. */
  requestId: string;
  /** Logs with the request id and trace id on every line. */
  logger: Logger;
  /** The largest `first` `User.orders` accepts: `MAX_PAGE_SIZE`, from the config. */
  maxPageSize: number;
}

/**
 * Builds the context for one request: the collection, the page maximum from the config, who is asking,
 * and loaders no other request shares (reading batches with the service's `readOrdersOfUsers`).
 */
export function createContext(
  orders: Collection<OrderDocument>,
  maxPageSize: number,
  readOrdersOfUsers: OrdersOfUsersReader,
  { viewer, requestId, logger, observeBatch }: SubgraphRequestScope,
): OrdersContext {
  return { orders, maxPageSize, viewer, requestId, logger, loaders: createLoaders(orders, observeBatch, readOrdersOfUsers) };
}
