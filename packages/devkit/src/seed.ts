import { MongoBulkWriteError, ObjectId, type Collection, type Db, type Filter, type OptionalUnlessRequiredId } from 'mongodb';
import { createRandom } from './createRandom';
import { type OrderDocument, ordersCollection } from '@fedstack/orders';
import { type UserDocument, usersCollection } from '@fedstack/users';

/** How much demo data to make. The defaults are the demo data set `npm start` serves. */
export interface SeedOptions {
  users: number;
  orders: number;
}

/** The demo data set: 1,000 users, 10,000 orders. */
export const demoDataSet: SeedOptions = { users: 1000, orders: 10_000 };

/**
 * Reads `--users N` and `--orders M` (either, both or neither) from a command line, over the demo data
 * set's defaults: `npm run seed -- --users 1000 --orders 100000` seeds the set docs/performance.md
 * measures at 100,000 orders. Throws a sentence naming the flag for anything else.
 */
export function parseSeedOptions(args: readonly string[], defaults: SeedOptions = demoDataSet): SeedOptions {
  const options = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const name = flag.replace(/^--/, '').split('=')[0]!;
    if (name !== 'users' && name !== 'orders') throw new Error(`Unknown option ${flag}: expected --users N and/or --orders M.`);
    const raw = flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : args[++i];
    const value = Number(raw);
    if (raw === undefined || !/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
      throw new Error(`--${name} must be a whole number of ${name}, 0 or more, but got: ${raw ?? 'nothing'}`);
    }
    options[name] = value;
  }
  return options;
}

/** What {@link seedDemoData} did. */
export interface SeedResult {
  usersInserted: number;
  ordersInserted: number;
}

const firstNames = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'John', 'Hedy', 'Dennis', 'Karen', 'Tim'];
const lastNames = ['Lovelace', 'Turing', 'Hopper', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Backus', 'Lamarr', 'Ritchie', 'Jones', 'Berners-Lee'];
const products = [
  { sku: 'BOOK-001', name: 'The Art of Computer Programming', unitPrice: 24_999 },
  { sku: 'BOOK-002', name: 'Structure and Interpretation of Computer Programs', unitPrice: 5_500 },
  { sku: 'KEYB-010', name: 'Mechanical keyboard', unitPrice: 12_900 },
  { sku: 'MOUS-020', name: 'Wireless mouse', unitPrice: 3_450 },
  { sku: 'CABL-030', name: 'USB-C cable', unitPrice: 999 },
  { sku: 'MUG-040', name: 'Coffee mug', unitPrice: 1_250 },
  { sku: 'DESK-050', name: 'Standing desk', unitPrice: 49_900 },
  { sku: 'LAMP-060', name: 'Desk lamp', unitPrice: 4_200 },
] as const;
const statuses = ['PENDING', 'PAID', 'PAID', 'SHIPPED', 'SHIPPED', 'SHIPPED', 'CANCELLED'] as const;

/** The first user is created at this instant, each next one an hour later. */
const epoch = Date.UTC(2025, 0, 1);

/** A deterministic ObjectId: the creation time in its first 4 bytes (as MongoDB's own), then a kind and a counter. */
function deterministicId(createdAt: Date, kind: number, counter: number): ObjectId {
  const seconds = Math.floor(createdAt.getTime() / 1000).toString(16).padStart(8, '0');
  return ObjectId.createFromHexString(`${seconds}${kind.toString(16).padStart(4, '0')}${counter.toString(16).padStart(12, '0')}`);
}

/** The demo users, always the same for the same count. */
export function demoUsers(count: number): UserDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const createdAt = new Date(epoch + i * 3_600_000);
    const first = firstNames[i % firstNames.length]!;
    const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length]!;
    return { _id: deterministicId(createdAt, 1, i), email: `${first}.${last}.${i}@example.com`.toLowerCase(), name: `${first} ${last}`, createdAt };
  });
}

/**
 * One user's orders in a demo data set, as the API lists them: newest first, ties broken by id,
 * newest first too (what `User.orders` answers, so tests compute their expectations with it).
 */
export function demoOrdersOfUser(orders: readonly OrderDocument[], userId: ObjectId): OrderDocument[] {
  return orders
    .filter((order) => order.userId.equals(userId))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b._id.toHexString().localeCompare(a._id.toHexString()));
}

/**
 * The demo orders for `users`, always the same for the same counts. Skewed on purpose, like real
 * shops: the owner of an order is drawn so that user 0 has about a third of a thousand orders, the next
 * ones fewer and fewer, and the last tenth of the users have none.
 */
export function demoOrders(users: readonly UserDocument[], count: number): OrderDocument[] {
  const next = createRandom(42);
  const buyers = Math.max(1, Math.floor(users.length * 0.9));
  return Array.from({ length: count }, (_, i) => {
    const user = users[Math.min(buyers - 1, Math.floor(next() ** 2 * buyers))]!;
    const createdAt = new Date(user.createdAt.getTime() + Math.floor(next() * 365 * 86_400_000));
    // One line per product, as a shop lists an order: a product drawn again becomes the next one not
    // yet in the order. The draws stay the same in number, so every order keeps its user, date and
    // status whatever its lines.
    const skus = new Set<string>();
    const items = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
      let index = Math.floor(next() * products.length);
      while (skus.has(products[index]!.sku)) index = (index + 1) % products.length;
      const product = products[index]!;
      skus.add(product.sku);
      return { ...product, quantity: 1 + Math.floor(next() * 4) };
    });
    return {
      _id: deterministicId(createdAt, 2, i),
      userId: user._id,
      items,
      total: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
      currency: 'USD',
      status: statuses[Math.floor(next() * statuses.length)]!,
      createdAt,
    };
  });
}

/**
 * Fills the users and orders databases with the demo data set, and changes nothing that is there:
 * - a collection that holds the whole demo set (its last document) is left alone, so running it again
 *   does nothing;
 * - a collection that holds other data (not the first demo document) is left alone too;
 * - a seed that was interrupted is completed: the ids are deterministic, so what is there already is
 *   skipped as a duplicate and the rest inserted.
 * Orders are seeded only where the users are the demo users they belong to.
 */
export async function seedDemoData(usersDb: Db, ordersDb: Db, options: SeedOptions = demoDataSet): Promise<SeedResult> {
  const users = demoUsers(options.users);
  const result: SeedResult = { usersInserted: await insertMissing(usersCollection(usersDb), users), ordersInserted: 0 };
  const demoUsersPresent = users.length > 0 && (await usersCollection(usersDb).countDocuments({ _id: users[0]!._id }, { limit: 1 })) > 0;
  if (demoUsersPresent) result.ordersInserted = await insertMissing(ordersCollection(ordersDb), demoOrders(users, options.orders));
  return result;
}

/** Inserts the documents a collection lacks, as described above; returns how many it inserted. */
async function insertMissing<T extends { _id: ObjectId }>(collection: Collection<T>, docs: readonly T[]): Promise<number> {
  if (docs.length === 0) return 0;
  const has = async (doc: T) => (await collection.countDocuments({ _id: doc._id } as Filter<T>, { limit: 1 })) > 0;
  if (await has(docs[docs.length - 1]!)) return 0;
  if ((await collection.countDocuments({}, { limit: 1 })) > 0 && !(await has(docs[0]!))) return 0;
  let inserted = 0;
  for (let i = 0; i < docs.length; i += 1000) {
    const chunk = docs.slice(i, i + 1000) as OptionalUnlessRequiredId<T>[];
    try {
      inserted += (await collection.insertMany(chunk, { ordered: false })).insertedCount;
    } catch (error) {
      // Documents from an interrupted run are already there: skip those, keep the rest.
      const writeErrors = error instanceof MongoBulkWriteError ? [error.writeErrors].flat() : [];
      if (writeErrors.length === 0 || !writeErrors.every((e) => e.code === 11000)) throw error;
      inserted += (error as MongoBulkWriteError).insertedCount;
    }
  }
  return inserted;
}
