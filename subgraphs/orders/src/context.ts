import type { Collection } from 'mongodb';
import type { OrderDocument } from './data/orders';
import { createLoaders, type OrdersLoaders } from './loaders';

/** What every resolver of the orders subgraph receives. */
export interface OrdersContext {
  orders: Collection<OrderDocument>;
  loaders: OrdersLoaders;
}

/** Builds the context for one request: the collection, and loaders no other request shares. */
export function createContext(orders: Collection<OrderDocument>): OrdersContext {
  return { orders, loaders: createLoaders(orders) };
}
