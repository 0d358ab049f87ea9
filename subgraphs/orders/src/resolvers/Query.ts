import { parseId } from '@fedstack/subgraph';
import type { QueryResolvers } from '../__generated__/resolvers-types';

export const Query: QueryResolvers = {
  // A reference, not a lookup: this subgraph does not own users. The router asks this field in parallel
  // with the users subgraph's `user`, and the users subgraph decides whether the user exists.
  user: (_parent, { id }) => ({ id: parseId(id, 'id').toHexString() }),

  order: (_parent, { id }, { loaders }) => loaders.orderById.load(parseId(id, 'id')),
};
