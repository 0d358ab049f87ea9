/**
 * What one database command costs as the data grows: the subgraphs' own queries, sent with the driver
 * straight to the database (the embedded FerretDB unless MONGO_URL is set), one at a time and eight at
 * a time, for data sets from the bench's to the demo's. On FerretDB's SQLite backend only `_id`
 * equality is pushed down to SQLite; every other filter reads the whole collection, so the cost grows
 * with the collection, whatever the indexes. docs/performance.md explains what that means for the
 * benchmark.
 *
 *   node --conditions=source --import tsx bench/databaseCosts.ts
 */
import { randomBytes } from 'node:crypto';
import { connectDatabase, loadMongoConfig } from '@fedstack/common';
import { ObjectId } from 'mongodb';
import { findOrdersByIds, findOrdersOfUsers, ordersCollection } from '../subgraphs/orders/src/data/orders';
import { findUsersByIds, usersCollection } from '../subgraphs/users/src/data/users';
import { seedDemoData, type SeedOptions } from '../scripts/lib/seed';
import { startBenchDatabase } from './lib/BenchStack';
import { medianMs } from './lib/medianMs';
import { benchData } from './lib/scenarios';

const sizes: SeedOptions[] = [
  { users: 50, orders: 100 },
  { users: 200, orders: 400 },
  { users: 1000, orders: 2000 },
  { users: 1000, orders: 10_000 },
];

/** Median milliseconds of `send`, one at a time, and milliseconds per command with eight in flight. */
async function time(runs: number, send: () => Promise<unknown>): Promise<{ serialMs: number; concurrentMs: number }> {
  const serialMs = await medianMs(runs, send);
  const started = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let i = 0; i < Math.ceil(runs / 2); i++) await send();
  }));
  const concurrentMs = (performance.now() - started) / (8 * Math.ceil(runs / 2));
  return { serialMs, concurrentMs: Math.round(concurrentMs * 10) / 10 };
}

async function main(): Promise<void> {
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const database = await startBenchDatabase(log);
  const rows: string[] = ['| users / orders | command | ms, one at a time | ms each, 8 in flight |', '| --- | --- | ---: | ---: |'];
  try {
    for (const size of sizes) {
      const prefix = `cost${randomBytes(3).toString('hex')}`;
      const env = { MONGO_URL: database.url, USERS_DB_NAME: `${prefix}_users`, ORDERS_DB_NAME: `${prefix}_orders` };
      const usersDb = await connectDatabase(loadMongoConfig(env, 'USERS', 'users'), 'bench-costs');
      const ordersDb = await connectDatabase(loadMongoConfig(env, 'ORDERS', 'orders'), 'bench-costs');
      try {
        await seedDemoData(usersDb.db, ordersDb.db, size);
        const users = usersCollection(usersDb.db);
        const orders = ordersCollection(ordersDb.db);
        const data = benchData(size);
        const ids = data.userIds.map((id) => new ObjectId(id));
        const runs = size.orders > 5000 ? 3 : 11;
        const commands: Array<[string, () => Promise<unknown>]> = [
          ['users: `_id` equality (pushed down)', () => users.find({ _id: ids[3]! }).toArray()],
          ['users: one `_id` by `$in` (a loader batch of one)', () => findUsersByIds(users, [ids[3]!])],
          ['orders: one order by `$in`', () => findOrdersByIds(orders, [new ObjectId(data.orderIds[0])])],
          ['orders: one user\'s first 11', () => findOrdersOfUsers(orders, [ids[3]!], { status: undefined, after: undefined, perUser: 11 })],
          ['orders: 50 users\' orders', () => findOrdersOfUsers(orders, ids.slice(0, 50), { status: undefined, after: undefined, perUser: 11 })],
          ['orders: insert', () => orders.insertOne({ _id: new ObjectId(), userId: ids[ids.length - 1]!, items: [], total: 0, currency: 'USD', status: 'PENDING', createdAt: new Date() })],
        ];
        for (const [name, send] of commands) {
          const { serialMs, concurrentMs } = await time(runs, send);
          rows.push(`| ${size.users} / ${size.orders} | ${name} | ${serialMs} | ${concurrentMs} |`);
          log(rows.at(-1)!);
        }
      } finally {
        await Promise.all([usersDb.db.dropDatabase(), ordersDb.db.dropDatabase()]);
        await Promise.all([usersDb.close(), ordersDb.close()]);
      }
    }
  } finally {
    await database.stop();
  }
  process.stdout.write(`database: ${database.kind}\n\n${rows.join('\n')}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`databaseCosts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
