import { connectDatabase, createLogger, createSubgraphService, type Database, type GraphQLService } from '@fedstack/common';
import type { OrdersConfig } from './config';
import { createContext, type OrdersContext } from './context';
import { ensureOrderIndexes, ordersCollection } from './data/orders';
import { resolvers } from './resolvers';

/**
 * Connects to the database, makes sure the indexes exist, and builds the orders subgraph, ready to
 * `start()`. Tests call this with port 0 and their own `database` (to watch its commands); `index.ts`
 * calls it with the configured port and lets it connect. Stopping the service closes the database.
 */
export async function createOrdersService(config: OrdersConfig, database?: Database): Promise<GraphQLService<OrdersContext>> {
  const logger = createLogger('orders', config.common.logLevel);
  const db = database ?? (await connectDatabase(config.mongo, 'orders-subgraph'));
  const orders = ordersCollection(db.db);
  await ensureOrderIndexes(orders);
  return createSubgraphService<OrdersContext>({
    name: 'orders',
    schemaFile: 'orders.graphql',
    resolvers,
    createContext: () => createContext(orders),
    database: db,
    common: config.common,
    host: config.host,
    port: config.port,
    logger,
  });
}
