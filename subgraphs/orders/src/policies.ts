import { ownerOrAdmin, parseId, type Policies } from '@fedstack/subgraph';
import type { MutationCancelOrderArgs, MutationPlaceOrderArgs, QueryOrderArgs } from './__generated__/resolvers-types';
import type { OrdersContext } from './context';
import type { UserReference } from './data/orders';

/** The owner of the order an argument names, through the request's loader (so the resolver's own load is free). */
async function ownerOfOrder(id: string, context: OrdersContext): Promise<string | undefined> {
  return (await context.loaders.orderById.load(parseId(id, 'id')))?.userId.toHexString();
}

/** Who may see and do what in the orders subgraph: every rule in one place (docs/security.md has the table). */
export const policies: Policies<OrdersContext> = {
  User: {
    orders: ownerOrAdmin((user: UserReference) => user.id),
  },
  Query: {
    order: ownerOrAdmin((_root: unknown, args: QueryOrderArgs, context: OrdersContext) => ownerOfOrder(args.id, context)),
  },
  Mutation: {
    placeOrder: ownerOrAdmin((_root: unknown, args: MutationPlaceOrderArgs) => parseId(args.input.userId, 'input.userId').toHexString()),
    cancelOrder: ownerOrAdmin((_root: unknown, args: MutationCancelOrderArgs, context: OrdersContext) => ownerOfOrder(args.id, context)),
  },
};
