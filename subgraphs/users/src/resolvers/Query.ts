import { decodeCursor, encodeCursor, pageSize, parseId, selectedFieldNames, toConnection } from '@fedstack/subgraph';
import type { QueryResolvers } from '../__generated__/resolvers-types';
import { countUsers, findUsersPage } from '../data/users';

/** `Query.users`'s page size for an explicit `first: null`; leaving `first` out gets the schema's default, the same 20. */
const defaultPageSize = 20;

export const Query: QueryResolvers = {
  user: (_parent, { id }, { loaders }) => loaders.userById.load(parseId(id, 'id')),

  users: async (_parent, { first, after }, { users, maxPageSize }, info) => {
    const size = pageSize(first, { defaultSize: defaultPageSize, maxSize: maxPageSize });
    const afterId = after ? parseId(decodeCursor(after, 1)[0]!, 'after') : undefined;
    // The page and the count are independent: ask for both at once, and only count when asked to.
    const [docs, totalCount] = await Promise.all([
      findUsersPage(users, size, afterId),
      selectedFieldNames(info).has('totalCount') ? countUsers(users) : Promise.resolve(0),
    ]);
    return { ...toConnection(docs, size, (user) => encodeCursor([user._id.toHexString()])), totalCount };
  },
};
