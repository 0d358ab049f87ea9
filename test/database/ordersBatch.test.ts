/**
 * The orders subgraph's two ways of reading a batch of users' orders (`ORDERS_BATCH_QUERY`) against each
 * other on the embedded, patched FerretDB: `group` (`$group` with `$firstN`, cut in SQL) must give every
 * user exactly the first `perUser` orders that `find` (every matching order, cut here) gives, for a
 * seeded random set of users, statuses, cursors and page sizes, on demo data with orders added that
 * tie on `createdAt`. And a database without `$firstN` (FerretDB as released) gets the same answers
 * through `find`, after one warning. `DIFF_SEED=<n>` runs another set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON, MongoClient, ObjectId, type Collection } from 'mongodb';
import { createRandom, demoUsers, type EmbeddedDatabase, seedDemoData, startFerretDB } from '@fedstack/devkit';
import { createOrdersOfUsersReader, ensureOrderIndexes, findOrdersOfUsers, ordersCollection, type OrderDocument, type OrdersOfUsersFilter } from '@fedstack/orders';
import { groupByKeys } from '@fedstack/subgraph';

const { EJSON } = BSON;
const seed = Number(process.env.DIFF_SEED ?? 20_251_131);
const next = createRandom(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
const chance = (p: number) => next() < p;

const users = demoUsers(80);
const statuses = ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED'] as const;

/** Each user's orders as `query` reads them, cut to `perUser` (what the loader hands the resolver). */
async function perUser(orders: Collection<OrderDocument>, userIds: ObjectId[], filter: OrdersOfUsersFilter, query: 'group' | 'find'): Promise<string> {
  const lists = groupByKeys(userIds, await findOrdersOfUsers(orders, userIds, filter, query), (order) => order.userId);
  return EJSON.stringify(lists.map((list) => list.slice(0, filter.perUser)), { relaxed: false });
}

describe("the orders subgraph's batch of users' orders", () => {
  const dirs: string[] = [];
  const servers: EmbeddedDatabase[] = [];
  const clients: MongoClient[] = [];
  let patched: Collection<OrderDocument>;
  let unpatched: Collection<OrderDocument>;

  beforeAll(async () => {
    const log = (message: string) => process.stderr.write(`${message}\n`);
    const start = async (variant: 'patched' | 'unpatched') => {
      const dataDir = mkdtempSync(join(tmpdir(), `fedstack-batch-${variant}-`));
      dirs.push(dataDir);
      return startFerretDB({ dataDir, port: 0, log, variant });
    };
    servers.push(...(await Promise.all([start('patched'), start('unpatched')])));
    for (const server of servers) clients.push(await MongoClient.connect(server.url, { maxPoolSize: 2 }));
    [patched, unpatched] = clients.map((client) => ordersCollection(client.db('batch_orders'))) as [Collection<OrderDocument>, Collection<OrderDocument>];
    for (const [i, orders] of [patched, unpatched].entries()) {
      await ensureOrderIndexes(orders);
      await seedDemoData(clients[i]!.db('batch_users'), clients[i]!.db('batch_orders'), { users: users.length, orders: 1500 });
      // Orders that tie on createdAt (with each other and with the page's boundary): only `_id` orders them.
      const tied = Array.from({ length: 200 }, (_, j): OrderDocument => {
        const user = users[j % 12]!;
        return {
          _id: new ObjectId(`65c0${j.toString(16).padStart(20, '0')}`),
          userId: user._id,
          items: [],
          total: j,
          currency: 'EUR',
          status: statuses[j % 4]!,
          createdAt: new Date(user.createdAt.getTime() + 86_400_000 * (j % 5)),
        };
      });
      await orders.insertMany(tied);
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(servers.map((server) => server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('gives every user the same first perUser orders with `group` as with `find`, over 150 random batches', async () => {
    const mismatches: string[] = [];
    let nonEmpty = 0;
    for (let i = 0; i < 150; i++) {
      const count = 2 + Math.floor(next() * 30);
      const userIds = Array.from({ length: count }, () => (chance(0.9) ? pick(users)._id : new ObjectId()));
      // A cursor: an order's position (often a tied one), or a date alone with the smallest id.
      const anchor = chance(0.4) ? await patched.find({ userId: pick(userIds) }).skip(Math.floor(next() * 5)).limit(1).next() : null;
      const after = anchor && chance(0.7) ? { createdAt: anchor.createdAt, id: anchor._id } : chance(0.2) ? { createdAt: new Date(Date.UTC(2025, 3, 1)), id: new ObjectId('000000000000000000000000') } : undefined;
      const filter: OrdersOfUsersFilter = { status: chance(0.3) ? pick(statuses) : undefined, after, perUser: 1 + Math.floor(next() * 12) };
      const [group, find] = [await perUser(patched, userIds, filter, 'group'), await perUser(patched, userIds, filter, 'find')];
      if (group !== '[]' && group.includes('"_id"')) nonEmpty += 1;
      if (group !== find) mismatches.push(`${count} users, ${EJSON.stringify(filter)}:\n  group ${group.slice(0, 400)}\n  find  ${find.slice(0, 400)}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
    expect(nonEmpty).toBeGreaterThan(120);
  }, 180_000);

  it('sends at most perUser orders of each user across the wire with `group`', async () => {
    const userIds = users.slice(0, 20).map((user) => user._id);
    const grouped = await findOrdersOfUsers(patched, userIds, { status: undefined, after: undefined, perUser: 3 }, 'group');
    const all = await findOrdersOfUsers(patched, userIds, { status: undefined, after: undefined, perUser: 3 }, 'find');
    expect(grouped.length).toBeLessThanOrEqual(3 * userIds.length);
    expect(all.length).toBeGreaterThan(grouped.length);
  });

  it('reads with `find` after one warning when the database refuses $firstN, and answers the same', async () => {
    const warnings: string[] = [];
    const read = createOrdersOfUsersReader(unpatched, 'group', { warn: (...message: unknown[]) => warnings.push(message.join(' ')) });
    const userIds = users.slice(0, 15).map((user) => user._id);
    const filter: OrdersOfUsersFilter = { status: undefined, after: undefined, perUser: 4 };
    const cut = (orders: OrderDocument[]) => EJSON.stringify(groupByKeys(userIds, orders, (order) => order.userId).map((list) => list.slice(0, 4)));
    const first = cut(await read(userIds, filter));
    const second = cut(await read(userIds, filter));
    expect(first).toBe(cut(await findOrdersOfUsers(patched, userIds, filter, 'group')));
    expect(second).toBe(first);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^ORDERS_BATCH_QUERY=group: the database refused \$group's \$firstN \(.*\$firstN.*\); reading batches of users' orders with find from now on/);
  });

  it('refuses a perUser below 1 with a sentence naming the value', async () => {
    await expect(findOrdersOfUsers(patched, [users[0]!._id, users[1]!._id], { status: undefined, after: undefined, perUser: 0 })).rejects.toThrow(
      new RangeError('findOrdersOfUsers takes a perUser of at least 1, but got: 0'),
    );
  });
});
