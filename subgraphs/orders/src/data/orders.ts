import { createHash } from 'node:crypto';
import type { Logger } from '@fedstack/server';
import { rawBatchesInEvents } from '@fedstack/subgraph';
import { MongoServerError, ObjectId, type Collection, type Db, type Filter } from 'mongodb';

/**
 * Where an order is in its life, as stored. The schema's `OrderStatus` enum has the same values; the
 * data layer declares its own so that it does not import the generated resolver types, which import it
 * (the resolvers pass the schema's value to the loaders, so the compiler checks that the two agree).
 */
export type OrderStatus = 'PENDING' | 'PAID' | 'SHIPPED' | 'CANCELLED';

/** One product line as stored inside an order. Money is integer minor units (cents), never floats. */
export interface LineItemDocument {
  sku: string;
  name: string;
  quantity: number;
  unitPrice: number;
}

/** An order as stored in the `orders` collection. */
export interface OrderDocument {
  _id: ObjectId;
  userId: ObjectId;
  items: LineItemDocument[];
  /** Sum of `quantity × unitPrice` over the items, in minor units. */
  total: number;
  currency: string;
  status: OrderStatus;
  createdAt: Date;
  cancelledAt?: Date;
  /** The client's idempotency key, when it gave one; `_id` is derived from it (see {@link idempotentOrderId}). */
  idempotencyKey?: string;
  /** A hash of what was ordered, to tell a retry from a different order that reuses the key. */
  requestHash?: string;
}

/** What this subgraph knows of a user: only the id; the users subgraph owns the rest. */
export interface UserReference {
  id: string;
}

/** The position of an order in a user's newest-first list, as carried by a cursor. */
export interface OrderPosition {
  createdAt: Date;
  id: ObjectId;
}

/** The collection this subgraph owns. */
export function ordersCollection(db: Db): Collection<OrderDocument> {
  return db.collection<OrderDocument>('orders');
}

/** Creates the indexes the queries rely on. Safe to run on every start: existing indexes are kept. */
export async function ensureOrderIndexes(orders: Collection<OrderDocument>): Promise<void> {
  await orders.createIndex({ userId: 1, createdAt: -1 }, { name: 'userId_1_createdAt_-1' });
}

/**
 * How a batch of several users' orders is read (`ORDERS_BATCH_QUERY`). `group`: one aggregation that
 * sorts the matching orders and keeps each user's first `perUser` with `$group` and `$firstN` (MongoDB
 * 5.2 or newer, and the embedded FerretDB with its patches), so only those cross the wire. `find`: one
 * `find` that returns every matching order of those users, and the caller keeps each user's first page.
 */
export type OrdersBatchQuery = 'group' | 'find';

/** The values `ORDERS_BATCH_QUERY` takes. */
export const ordersBatchQueries: readonly OrdersBatchQuery[] = ['group', 'find'];

/** What {@link findOrdersOfUsers} selects: each user's orders, optionally only those in `status` and after `after`. */
export interface OrdersOfUsersFilter {
  status: OrderStatus | undefined;
  after: OrderPosition | undefined;
  /** How many of each user's orders the caller needs (the page size plus one). */
  perUser: number;
}

/**
 * The orders of many users in one command, each user's newest first (by `createdAt`, then `_id`),
 * optionally only those in `status` and only those after `after` in that order; users with none are
 * absent. The result is ordered by user, then newest first.
 *
 * For one user (the parallel plan's `user(id) { orders }`) it reads only `perUser` orders with `find`
 * and a limit. For several, `query` chooses the command (see {@link OrdersBatchQuery}): `group`
 * returns at most `perUser` orders of each user, `find` all of them. Either way the whole answer comes
 * in the first batch, so that one command is also one round trip (no `getMore`).
 */
export async function findOrdersOfUsers(
  orders: Collection<OrderDocument>,
  userIds: readonly ObjectId[],
  options: OrdersOfUsersFilter,
  query: OrdersBatchQuery = 'group',
): Promise<OrderDocument[]> {
  if (!Number.isSafeInteger(options.perUser) || options.perUser < 1) {
    throw new RangeError(`findOrdersOfUsers takes a perUser of at least 1, but got: ${options.perUser}`);
  }
  const filter: Filter<OrderDocument> = { userId: { $in: [...userIds] } };
  if (options.status) filter.status = options.status;
  if (options.after) {
    const { createdAt, id } = options.after;
    filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
  }
  const sort = { userId: 1, createdAt: -1, _id: -1 } as const;
  if (userIds.length === 1) return orders.find(filter, rawBatchesInEvents).sort(sort).limit(options.perUser).batchSize(options.perUser + 1).toArray();
  if (query === 'find') return orders.find(filter, rawBatchesInEvents).sort(sort).batchSize(firstBatchSize).toArray();
  const groups = await orders
    .aggregate<{ _id: ObjectId; orders: OrderDocument[] }>(
      [{ $match: filter }, { $sort: sort }, { $group: { _id: '$userId', orders: { $firstN: { input: '$$ROOT', n: options.perUser } } } }],
      // One group per user at most: one more than that, so the server closes the cursor at once.
      { batchSize: userIds.length + 1, ...rawBatchesInEvents },
    )
    .toArray();
  // $group's output order is unspecified (MongoDB's is not the input's): by user, as `find` returns them.
  groups.sort((a, b) => compareObjectIds(a._id, b._id));
  return groups.flatMap((group) => group.orders);
}

/** Orders two ObjectIds as MongoDB sorts them: by their bytes, which their hex strings sort as. */
function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a.toHexString();
  const y = b.toHexString();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Whether a database's error says that it does not know the `$firstN` accumulator (MongoDB before 5.2:
 * "unknown group operator"; FerretDB without the project's patches: not implemented), so that a batch
 * can be read with `find` instead.
 */
export function refusesFirstN(error: unknown): boolean {
  if (!(error instanceof MongoServerError)) return false;
  // 15952: unknown group operator (MongoDB); 238: NotImplemented (FerretDB); 168: InvalidPipelineOperator.
  return [15952, 238, 168].includes(Number(error.code)) && error.message.includes('$firstN');
}

/** Reads several users' orders in one command: {@link findOrdersOfUsers} with the service's {@link OrdersBatchQuery}. */
export type OrdersOfUsersReader = (userIds: readonly ObjectId[], filter: OrdersOfUsersFilter) => Promise<OrderDocument[]>;

/**
 * The service's reader of users' orders, shared by every request. With `group`, a database that
 * refuses `$firstN` (MongoDB before 5.2, FerretDB without the project's patches) is read with `find`
 * from then on, after one warning that says so: slower batches, the same answers.
 *
 * @example
 * const readOrdersOfUsers = createOrdersOfUsersReader(orders, config.batchQuery, logger);
 * const orders = await readOrdersOfUsers(userIds, { status: undefined, after: undefined, perUser: 11 });
 */
export function createOrdersOfUsersReader(orders: Collection<OrderDocument>, query: OrdersBatchQuery, logger?: Pick<Logger, 'warn'>): OrdersOfUsersReader {
  let current = query;
  return async (userIds, filter) => {
    if (current === 'find') return findOrdersOfUsers(orders, userIds, filter, 'find');
    try {
      return await findOrdersOfUsers(orders, userIds, filter, 'group');
    } catch (error) {
      if (!refusesFirstN(error)) throw error;
      if (current === 'group') {
        current = 'find';
        logger?.warn(
          `ORDERS_BATCH_QUERY=group: the database refused $group's $firstN (${(error as Error).message}); ` +
            'reading batches of users\' orders with find from now on (every matching order crosses the wire). ' +
            'Use MongoDB 5.2 or newer, or set ORDERS_BATCH_QUERY=find to choose this.',
        );
      }
      return findOrdersOfUsers(orders, userIds, filter, 'find');
    }
  };
}

/**
 * How many orders a multi-user batch asks for in its first round trip: all of them, in practice (the
 * default of 101 would make a batch of 50 users a handful of round trips). The server still caps one
 * reply at 16 MiB; past that the driver fetches the rest with `getMore`.
 */
export const firstBatchSize = 100_000;

/** How many orders (optionally in `status`) each user has, in one aggregation; users with none are absent. */
export async function countOrdersOfUsers(
  orders: Collection<OrderDocument>,
  userIds: readonly ObjectId[],
  status: OrderStatus | undefined,
): Promise<Array<{ _id: ObjectId; count: number }>> {
  const match: Filter<OrderDocument> = { userId: { $in: [...userIds] } };
  if (status) match.status = status;
  return orders
    .aggregate<{ _id: ObjectId; count: number }>([{ $match: match }, { $group: { _id: '$userId', count: { $sum: 1 } } }])
    .toArray();
}

/**
 * Writes are acknowledged only once a majority of the replica set has them in its journal: an order the
 * client was told about survives a crash or a failover. (A single server or FerretDB: its own journal.)
 */
export const durableWrite = { writeConcern: { w: 'majority' as const, j: true } };

/**
 * The `_id` of the order a user places with an idempotency key: derived from both, so the collection's
 * unique `_id` index is what makes the key unique per user, with no extra index (and none that needs
 * partial-index support, which FerretDB lacks).
 */
export function idempotentOrderId(userId: ObjectId, key: string): ObjectId {
  return new ObjectId(createHash('sha256').update(`${userId.toHexString()}:${key}`).digest().subarray(0, 12));
}

/** What {@link insertOrder} did: stored the order, or found it stored by an earlier try with the same key. */
export type InsertOutcome = { kind: 'inserted' | 'replayed'; order: OrderDocument } | { kind: 'conflict'; order: OrderDocument };

/**
 * Stores a new order. With an idempotency key, a second insert of the same `_id` (a retry, or a racing
 * duplicate) is refused by the unique index; the stored order is then answered instead, or a conflict
 * when it was a different order.
 */
export async function insertOrder(orders: Collection<OrderDocument>, order: OrderDocument): Promise<InsertOutcome> {
  try {
    await orders.insertOne(order, durableWrite);
    return { kind: 'inserted', order };
  } catch (error) {
    if (!(error instanceof MongoServerError && error.code === 11000 && order.idempotencyKey)) throw error;
    const stored = await orders.findOne({ _id: order._id });
    if (!stored) throw error;
    return { kind: stored.requestHash === order.requestHash && stored.userId.equals(order.userId) ? 'replayed' : 'conflict', order: stored };
  }
}

/**
 * Moves an order from `PENDING` to `CANCELLED` in one atomic update, so two concurrent cancels cannot
 * both win. Returns the cancelled order, or null when no `PENDING` order has that id.
 */
export function cancelPendingOrder(orders: Collection<OrderDocument>, id: ObjectId, now: Date): Promise<OrderDocument | null> {
  return orders.findOneAndUpdate(
    { _id: id, status: 'PENDING' },
    { $set: { status: 'CANCELLED', cancelledAt: now } },
    { returnDocument: 'after', ...durableWrite },
  );
}
