import { createByIdLoader, findByIds } from '@fedstack/subgraph';
import type { Collection } from 'mongodb';
import type { UserDocument } from './data/users';

/** The users subgraph's per-request loaders. */
export interface UsersLoaders {
  /** Users by id: every `__resolveReference` and `Query.user` in a tick is one `$in` query. */
  userById: ReturnType<typeof createByIdLoader<UserDocument['_id'], UserDocument>>;
}

/** Creates fresh loaders; called once per request by the context factory. */
export function createLoaders(users: Collection<UserDocument>, observeBatch: (loader: string, size: number) => void): UsersLoaders {
  return {
    userById: createByIdLoader((ids) => findByIds(users, ids), (user) => user._id, (size) => observeBatch('userById', size)),
  };
}
