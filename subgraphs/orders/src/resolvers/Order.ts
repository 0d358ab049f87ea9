import { parseId } from '@fedstack/subgraph';
import type { OrderResolvers } from '../__generated__/resolvers-types';

export const Order: OrderResolvers = {
  __resolveReference: async (reference, { loaders }) => loaders.orderById.load(parseId(reference.id, 'representations.id')),
  id: (order) => order._id.toHexString(),
  // A reference the router resolves against the users subgraph, in one batch for all orders.
  user: (order) => ({ id: order.userId.toHexString() }),
};
