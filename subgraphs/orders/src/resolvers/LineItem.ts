import type { LineItemResolvers } from '../__generated__/resolvers-types';

export const LineItem: LineItemResolvers = {
  subtotal: (item) => item.quantity * item.unitPrice,
};
