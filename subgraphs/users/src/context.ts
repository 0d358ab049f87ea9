import type { Logger, Viewer } from '@fedstack/server';
import type { SubgraphRequestScope } from '@fedstack/subgraph';
import type { Collection } from 'mongodb';
import type { UserDocument } from './data/users';
import { createLoaders, type UsersLoaders } from './loaders';

/** What every resolver of the users subgraph receives. */
export interface UsersContext {
  users: Collection<UserDocument>;
  loaders: UsersLoaders;
  /** Who is asking, as the router verified it. */
  viewer: Viewer;
  /** Follows the request through logs and error responses. */
  requestId: string;
  /** Logs with the request id and trace id on every line. */
  logger: Logger;
  /** The largest `first` `Query.users` accepts: `MAX_PAGE_SIZE`, from the config. */
  maxPageSize: number;
  /**
   * Users this request created (`createUser`), by id. Their creator may read them back whole in the
   * same answer, e-mail included, signed in or not: they just sent it (see policies.ts).
   */
  createdUserIds: Set<string>;
}

/**
 * Builds the context for one request: the collection, the page maximum from the config, who is asking,
 * and loaders no other request shares.
 */
export function createContext(users: Collection<UserDocument>, maxPageSize: number, { viewer, requestId, logger, observeBatch }: SubgraphRequestScope): UsersContext {
  return { users, maxPageSize, viewer, requestId, logger, loaders: createLoaders(users, observeBatch), createdUserIds: new Set() };
}
