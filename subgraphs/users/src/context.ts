import type { Collection } from 'mongodb';
import type { UserDocument } from './data/users';
import { createLoaders, type UsersLoaders } from './loaders';

/** What every resolver of the users subgraph receives. */
export interface UsersContext {
  users: Collection<UserDocument>;
  loaders: UsersLoaders;
}

/** Builds the context for one request: the collection, and loaders no other request shares. */
export function createContext(users: Collection<UserDocument>): UsersContext {
  return { users, loaders: createLoaders(users) };
}
