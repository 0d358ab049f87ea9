import { resolve } from 'node:path';
import { createSubgraphService, type Database } from '@fedstack/subgraph';
import { type GraphQLService } from '@fedstack/server';
import type { OrdersConfig } from './config';
import { createContext, type OrdersContext } from './context';
import { createOrdersOfUsersReader, ensureOrderIndexes, ordersCollection } from './data/orders';
import { resolvers } from './resolvers';

/**
 * Builds the orders subgraph, ready to `start()`: connects (unless given a `database`; tests pass their
 * own to watch its commands), creates the indexes, and serves the schema. Stopping it closes the database.
 */
export function createOrdersService(config: OrdersConfig, database?: Database): Promise<GraphQLService<OrdersContext>> {
  return createSubgraphService<OrdersContext>({
    name: 'orders',
    // The SDL in the repository's schema/ (three levels up from src/ and from dist/ alike).
    schemaPath: resolve(__dirname, '../../../schema/orders.graphql'),
    resolvers,
    config,
    database,
    prepare: async (db, logger) => {
      const orders = ordersCollection(db);
      await ensureOrderIndexes(orders);
      const readOrdersOfUsers = createOrdersOfUsersReader(orders, config.batchQuery, logger);
      return (scope) => createContext(orders, config.maxPageSize, readOrdersOfUsers, scope);
    },
  });
}
