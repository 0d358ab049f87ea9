import { parseId } from '@fedstack/subgraph';
import type { UserResolvers } from '../__generated__/resolvers-types';

export const User: UserResolvers = {
  // Representations from the router arrive in batches; the loader turns each batch into one query.
  // Async, so that a malformed id fails only its own entry of `_entities`, not the whole list.
  __resolveReference: async (reference, { loaders }) => loaders.userById.load(parseId(reference.id, 'representations.id')),
  id: (user) => user._id.toHexString(),
};
