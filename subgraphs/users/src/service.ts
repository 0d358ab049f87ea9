import { resolve } from 'node:path';
import { createSubgraphService, type Database } from '@fedstack/subgraph';
import { type GraphQLService } from '@fedstack/server';
import type { UsersConfig } from './config';
import { createContext, type UsersContext } from './context';
import { ensureUserIndexes, usersCollection } from './data/users';
import { resolvers } from './resolvers';

/**
 * Builds the users subgraph, ready to `start()`: connects (unless given a `database`; tests pass their
 * own to watch its commands), creates the indexes, and serves the schema. Stopping it closes the database.
 */
export function createUsersService(config: UsersConfig, database?: Database): Promise<GraphQLService<UsersContext>> {
  return createSubgraphService<UsersContext>({
    name: 'users',
    // The SDL in the repository's schema/ (three levels up from src/ and from dist/ alike).
    schemaPath: resolve(__dirname, '../../../schema/users.graphql'),
    resolvers,
    config,
    database,
    prepare: async (db) => {
      const users = usersCollection(db);
      await ensureUserIndexes(users);
      return (scope) => createContext(users, config.maxPageSize, scope);
    },
  });
}
