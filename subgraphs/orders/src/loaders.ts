import { createByIdLoader, findByIds, groupByKeys, orderByKeys } from '@fedstack/subgraph';
import DataLoader from 'dataloader';
import type { Collection, ObjectId } from 'mongodb';
import { countOrdersOfUsers, createOrdersOfUsersReader, type OrderDocument, type OrdersOfUsersFilter, type OrdersOfUsersReader, type OrderStatus } from './data/orders';

/** The arguments of `User.orders`: which orders match, and how many of each user's are needed (the page size plus one). */
export type OrdersFilter = OrdersOfUsersFilter;

/** The orders subgraph's per-request loaders. */
export interface OrdersLoaders {
  /** Orders by id: every `__resolveReference` and `Query.order` in a tick is one `$in` query. */
  orderById: DataLoader<ObjectId, OrderDocument | null, string>;
  /**
   * Each user's matching orders, newest first: at least their first `perUser` (all of them when the
   * batch is read with `find`). One loader per distinct filter, so every `User.orders` with the same
   * arguments in a tick (the usual case: a list of users) shares one command.
   */
  ordersOfUser(filter: OrdersFilter): DataLoader<ObjectId, OrderDocument[], string>;
  /** Each user's number of orders (in `status`, when given): one aggregation per tick and status. */
  orderCountOfUser(status: OrderStatus | undefined): DataLoader<ObjectId, number, string>;
}

const byHex = { cacheKeyFn: (id: ObjectId) => id.toHexString() };

/**
 * Creates fresh loaders; called once per request by the context factory. `readOrdersOfUsers` is the
 * service's (it remembers a database that refused `$firstN`); by default, one that cuts each user's list
 * in the database.
 */
export function createLoaders(
  orders: Collection<OrderDocument>,
  observeBatch: (loader: string, size: number) => void,
  readOrdersOfUsers: OrdersOfUsersReader = createOrdersOfUsersReader(orders, 'group'),
): OrdersLoaders {
  const ordersOfUser = new Map<string, DataLoader<ObjectId, OrderDocument[], string>>();
  const orderCountOfUser = new Map<string, DataLoader<ObjectId, number, string>>();
  return {
    orderById: createByIdLoader((ids) => findByIds(orders, ids), (order) => order._id, (size) => observeBatch('orderById', size)),

    ordersOfUser(filter) {
      const key = JSON.stringify([filter.status ?? null, filter.after?.createdAt.toISOString() ?? null, filter.after?.id.toHexString() ?? null, filter.perUser]);
      let loader = ordersOfUser.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds) => {
          observeBatch('ordersOfUser', userIds.length);
          return groupByKeys(userIds, await readOrdersOfUsers(userIds, filter), (order) => order.userId);
        }, byHex);
        ordersOfUser.set(key, loader);
      }
      return loader;
    },

    orderCountOfUser(status) {
      const key = status ?? '';
      let loader = orderCountOfUser.get(key);
      if (!loader) {
        loader = new DataLoader(async (userIds) => {
          observeBatch('orderCountOfUser', userIds.length);
          const counts = orderByKeys(userIds, await countOrdersOfUsers(orders, userIds, status), (row) => row._id);
          return counts.map((row) => row?.count ?? 0);
        }, byHex);
        orderCountOfUser.set(key, loader);
      }
      return loader;
    },
  };
}
