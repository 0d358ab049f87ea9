import { createHash } from 'node:crypto';
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
 * The orders of many users in one command, each user's newest first, optionally only those in
 * `status` and only those after `after` in that order.
 *
 * For one user (the parallel plan's `user(id) { orders }`) it reads only `perUser` orders. For several,
 * it returns every matching order of those users and the caller keeps each user's first page: MongoDB
 * could cut each user's list on the server (`$group` with `$push` and `$slice`, or `$setWindowFields`),
 * but FerretDB implements neither, and one `find` that both run keeps the batch at one command. The
 * whole answer comes in the first batch, so that one command is also one round trip (no `getMore`)
 * up to `firstBatchSize` orders.
 */
export function findOrdersOfUsers(
  orders: Collection<OrderDocument>,
  userIds: readonly ObjectId[],
  options: { status: OrderStatus | undefined; after: OrderPosition | undefined; perUser: number },
): Promise<OrderDocument[]> {
  const filter: Filter<OrderDocument> = { userId: { $in: [...userIds] } };
  if (options.status) filter.status = options.status;
  if (options.after) {
    const { createdAt, id } = options.after;
    filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
  }
  const cursor = orders.find(filter).sort({ userId: 1, createdAt: -1, _id: -1 });
  if (userIds.length === 1) return cursor.limit(options.perUser).batchSize(options.perUser + 1).toArray();
  return cursor.batchSize(firstBatchSize).toArray();
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
