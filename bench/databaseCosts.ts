/**
 * What one database command costs as the data grows: the subgraphs' own queries, sent with the driver
 * straight to the database (the embedded FerretDB unless MONGO_URL is set), one at a time on one
 * connection: the median wall time of `--runs`, and the embedded database's CPU time per command over
 * those runs (utime + stime from /proc, steadier than wall time on a shared machine).
 * docs/performance.md and docs/database.md hold its results.
 *
 *   node --conditions=source --import tsx bench/databaseCosts.ts
 *   node --conditions=source --import tsx bench/databaseCosts.ts --sizes 1000/10000,1000/100000 --runs 21
 *   node --conditions=source --import tsx bench/databaseCosts.ts --unpatched --runs 3   # FerretDB as released
 *   node --conditions=source --import tsx bench/databaseCosts.ts --only totalCount     # the commands whose name contains it
 */
import { randomBytes } from 'node:crypto';
import { connectDatabase, findByIds, loadMongoConfig } from '@fedstack/subgraph';
import { ObjectId } from 'mongodb';
import { countOrdersOfUsers, ensureOrderIndexes, findOrdersOfUsers, ordersCollection } from '@fedstack/orders';
import { ensureUserIndexes, findUsersPage, usersCollection } from '@fedstack/users';
import { demoOrders, demoUsers, seedDemoData, type SeedOptions } from '@fedstack/devkit';
import { startBenchDatabase } from './lib/BenchStack';
import { medianMs } from './lib/medianMs';
import { cpuSeconds } from './lib/procStats';

/** `--sizes users/orders,...`, `--runs N`, `--unpatched`, `--only text`. */
function parseArgs(args: readonly string[]): { sizes: SeedOptions[]; runs: number; unpatched: boolean; only: string | undefined } {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const sizes = (value('--sizes') ?? '50/100,1000/2000,1000/10000,1000/100000').split(',').map((size) => {
    const [users, orders] = size.split('/').map(Number);
    if (!Number.isSafeInteger(users) || !Number.isSafeInteger(orders) || users! < 200) {
      throw new Error(`--sizes takes users/orders pairs with at least 200 users, such as 1000/10000, but got: ${size}`);
    }
    return { users: users!, orders: orders! };
  });
  return { sizes, runs: Number(value('--runs') ?? 11), unpatched: args.includes('--unpatched'), only: value('--only') };
}

async function main(): Promise<void> {
  const { sizes, runs, unpatched, only } = parseArgs(process.argv.slice(2));
  const log = (message: string) => process.stderr.write(`${message}\n`);
  const database = await startBenchDatabase(log, unpatched ? 'unpatched' : 'patched');
  const rows: string[] = [
    '| users / orders | command | documents | ms (median, one connection) | database CPU ms per command |',
    '| --- | --- | ---: | ---: | ---: |',
  ];
  try {
    for (const size of sizes) {
      const prefix = `cost${randomBytes(3).toString('hex')}`;
      // FerretDB as released takes longer than the default 30 s socket timeout for some commands at 100,000 orders.
      const env = { MONGO_URL: database.url, USERS_DB_NAME: `${prefix}_users`, ORDERS_DB_NAME: `${prefix}_orders`, MONGO_SOCKET_TIMEOUT_MS: '600000' };
      const usersDb = await connectDatabase(loadMongoConfig(env, 'USERS', 'users'), 'bench-costs');
      const ordersDb = await connectDatabase(loadMongoConfig(env, 'ORDERS', 'orders'), 'bench-costs');
      try {
        const users = usersCollection(usersDb.db);
        const orders = ordersCollection(ordersDb.db);
        // The indexes first, as the services create them at start-up before anything is seeded.
        await Promise.all([ensureUserIndexes(users), ensureOrderIndexes(orders)]);
        const seeded = performance.now();
        await seedDemoData(usersDb.db, ordersDb.db, size);
        log(`seeded ${size.users} users and ${size.orders} orders in ${Math.round(performance.now() - seeded)} ms`);
        const ids = demoUsers(size.users).map((user) => user._id);
        const orderIds = demoOrders(demoUsers(size.users), Math.min(size.orders, 10)).map((order) => order._id);
        const page = { status: undefined, after: undefined, perUser: 11 };
        // User 3 has about 0.9% of the orders (the demo data is skewed), users 0–99 about a third.
        const commands: Array<[string, () => Promise<{ length: number }>]> = [
          ["orders: one user's first page (`userId $in [one]`, sorted, limit 11)", () => findOrdersOfUsers(orders, [ids[3]!], page)],
          ["orders: 100 users' orders, one batch", () => findOrdersOfUsers(orders, ids.slice(0, 100), page, 'group')],
          ["orders: 100 users' orders, one batch, every order (`ORDERS_BATCH_QUERY=find`)", () => findOrdersOfUsers(orders, ids.slice(0, 100), page, 'find')],
          ['orders: one order by `_id`', () => findByIds(orders, [orderIds[0]!])],
          ['orders: `_id $in` of 10', () => findByIds(orders, orderIds)],
          ['users: `_id $in` of 100', () => findByIds(users, ids.slice(0, 100))],
          ['users: a page of 20 after a cursor', () => findUsersPage(users, 20, ids[100])],
          ['orders: totalCount of one user', () => countOrdersOfUsers(orders, [ids[3]!], undefined)],
          ['orders: totalCount of 10 users', () => countOrdersOfUsers(orders, ids.slice(0, 10), undefined)],
          ['orders: insert', async () => [await orders.insertOne({ _id: new ObjectId(), userId: ids.at(-1)!, items: [], total: 0, currency: 'USD', status: 'PENDING', createdAt: new Date() })]],
        ];
        for (const [name, send] of commands) {
          if (only && !name.includes(only)) continue;
          const documents = (await send()).length;
          // CPU of the database's process over the timed runs and the warm-up: only the embedded one is measured.
          const cpuBefore = database.pid === undefined ? 0 : cpuSeconds(database.pid, [database.pid]);
          const ms = await medianMs(runs, send);
          const cpu = database.pid === undefined ? '—' : String(Math.round(((cpuSeconds(database.pid, [database.pid]) - cpuBefore) * 1000 * 10) / (runs + 1)) / 10);
          rows.push(`| ${size.users} / ${size.orders} | ${name} | ${documents} | ${ms} | ${cpu} |`);
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
