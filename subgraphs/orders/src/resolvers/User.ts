import { badUserInput } from '@fedstack/server';
import { decodeCursor, encodeCursor, pageSize, parseId, selectedFieldNames, toConnection } from '@fedstack/subgraph';
import type { UserResolvers } from '../__generated__/resolvers-types';
import type { OrderDocument, OrderPosition } from '../data/orders';

/** `User.orders`'s page size for an explicit `first: null`; leaving `first` out gets the schema's default, the same 10. */
const defaultPageSize = 10;

const orderCursor = (order: OrderDocument) => encodeCursor([order.createdAt.toISOString(), order._id.toHexString()]);

function decodeOrderCursor(after: string): OrderPosition {
  const [createdAt, id] = decodeCursor(after, 2);
  const date = new Date(createdAt!);
  if (Number.isNaN(date.getTime())) throw badUserInput('after', 'is not a cursor returned by this API');
  return { createdAt: date, id: parseId(id!, 'after') };
}

export const User: UserResolvers = {
  // Any well-formed id is a user here; whether it exists is the users subgraph's business.
  __resolveReference: async (reference) => ({ id: parseId(reference.id, 'representations.id').toHexString() }),

  orders: async (user, { first, after, status }, { loaders, maxPageSize }, info) => {
    const size = pageSize(first, { defaultSize: defaultPageSize, maxSize: maxPageSize });
    const userId = parseId(user.id, 'id');
    const filter = { status: status ?? undefined, after: after ? decodeOrderCursor(after) : undefined, perUser: size + 1 };
    // Through loaders, so a list of users costs one `find` (and one count) for all of them, and the
    // page and the count are fetched at the same time.
    const [orders, totalCount] = await Promise.all([
      loaders.ordersOfUser(filter).load(userId),
      selectedFieldNames(info).has('totalCount') ? loaders.orderCountOfUser(filter.status).load(userId) : Promise.resolve(0),
    ]);
    return { ...toConnection(orders.slice(0, size + 1), size, orderCursor), totalCount };
  },
};
