import { createSubgraphService, type Database, type GraphQLService } from '@fedstack/common';
import type { OrdersConfig } from './config';
import { createContext, type OrdersContext } from './context';
import { ensureOrderIndexes, ordersCollection } from './data/orders';
import { resolvers } from './resolvers';

/**
 * Builds the orders subgraph, ready to `start()`: connects (unless given a `database`; tests pass their
 * own to watch its commands), creates the indexes, and serves the schema. Stopping it closes the database.
 */
export function createOrdersService(config: OrdersConfig, database?: Database): Promise<GraphQLService<OrdersContext>> {
  return createSubgraphService<OrdersContext>({
    name: 'orders',
    schemaFile: 'orders.graphql',
    resolvers,
    config,
    database,
    prepare: async (db) => {
      const orders = ordersCollection(db);
      await ensureOrderIndexes(orders);
      return (scope) => createContext(orders, config.maxPageSize, scope);
    },
  });
}
