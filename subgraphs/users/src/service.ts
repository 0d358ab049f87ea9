import { connectDatabase, createLogger, createSubgraphService, type Database, type GraphQLService } from '@fedstack/common';
import type { UsersConfig } from './config';
import { createContext, type UsersContext } from './context';
import { ensureUserIndexes, usersCollection } from './data/users';
import { resolvers } from './resolvers';

/**
 * Connects to the database, makes sure the indexes exist, and builds the users subgraph, ready to
 * `start()`. Tests call this with port 0 and their own `database` (to watch its commands); `index.ts`
 * calls it with the configured port and lets it connect. Stopping the service closes the database.
 */
export async function createUsersService(config: UsersConfig, database?: Database): Promise<GraphQLService<UsersContext>> {
  const logger = createLogger('users', config.common.logLevel);
  const db = database ?? (await connectDatabase(config.mongo, 'users-subgraph'));
  const users = usersCollection(db.db);
  await ensureUserIndexes(users);
  return createSubgraphService<UsersContext>({
    name: 'users',
    schemaFile: 'users.graphql',
    resolvers,
    createContext: () => createContext(users),
    database: db,
    common: config.common,
    host: config.host,
    port: config.port,
    logger,
  });
}
