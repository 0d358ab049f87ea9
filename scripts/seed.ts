/**
 * `npm run seed`: fills the databases in MONGO_URL (or USERS_MONGO_URL / ORDERS_MONGO_URL) with the
 * deterministic demo data set, unless they hold data already. `npm start` runs it for you.
 * `npm run seed -- --users 1000 --orders 100000` seeds another size of the same generator.
 */
import { connectDatabase } from '@fedstack/subgraph';
import { loadConfig as loadOrdersConfig } from '@fedstack/orders';
import { loadConfig as loadUsersConfig } from '@fedstack/users';
import { parseSeedOptions, seedDemoData } from '@fedstack/devkit';

async function main(): Promise<void> {
  const options = parseSeedOptions(process.argv.slice(2));
  const users = await connectDatabase(loadUsersConfig(process.env).mongo, 'seed');
  const orders = await connectDatabase(loadOrdersConfig(process.env).mongo, 'seed');
  try {
    const result = await seedDemoData(users.db, orders.db, options);
    process.stdout.write(
      result.usersInserted + result.ordersInserted === 0
        ? 'seed: the databases hold data already; nothing changed.\n'
        : `seed: inserted ${result.usersInserted} users and ${result.ordersInserted} orders.\n`,
    );
  } finally {
    await Promise.all([users.close(), orders.close()]);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
