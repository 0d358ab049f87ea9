import { randomBytes } from 'node:crypto';
import { CommandLog, type DelayProxy, seedDemoData, type SeedOptions, startDelayProxy } from '@fedstack/devkit';
import { connectDatabase, type Database } from '@fedstack/subgraph';
import { type Env, type GraphQLService } from '@fedstack/server';
import { createRouterService, loadConfig as loadRouterConfig, type RouterContext } from '@fedstack/router';
import { createOrdersService, loadConfig as loadOrdersConfig, type OrdersContext } from '@fedstack/orders';
import { createUsersService, loadConfig as loadUsersConfig } from '@fedstack/users';
import { routerExecutorEnv } from './routerExecutor';

/** A running platform: both subgraphs and the router on free loopback ports, on databases of its own. */
export interface Stack {
  routerUrl: string;
  usersUrl: string;
  ordersUrl: string;
  usersDatabase: Database;
  ordersDatabase: Database;
  /** Every command the users subgraph sends to its database. */
  usersCommands: CommandLog;
  /** Every command the orders subgraph sends to its database. */
  ordersCommands: CommandLog;
  router: GraphQLService<RouterContext>;
  /** The running orders subgraph; a fault test stops it and starts another on `ordersPort`. */
  orders: GraphQLService<OrdersContext>;
  ordersPort: number;
  /** The delay proxies in front of the subgraphs, by subgraph, when `subgraphDelayMs` asked for them. */
  proxies: Partial<Record<'users' | 'orders', DelayProxy>>;
  /** Starts a new orders subgraph on the same port and database (after `orders.stop()`). */
  restartOrders(): Promise<void>;
  stop(): Promise<void>;
}

/** How to start a {@link Stack}. */
export interface StackOptions {
  /** Demo data to seed; none when absent. */
  seed?: SeedOptions;
  /** Milliseconds added to every router→subgraph request, per subgraph (0 still puts a recording proxy in between). */
  subgraphDelayMs?: { users?: number; orders?: number };
  /** More settings for every service, such as `NODE_ENV`. */
  env?: Env;
  /** The database server, instead of `MONGO_URL` (a fault test's own FerretDB). */
  mongoUrl?: string;
  /** Names the two databases `<prefix>_users` / `<prefix>_orders`, instead of fresh random names. */
  databasePrefix?: string;
  /** Leave the databases in place on `stop()`, for a next stack on the same data. */
  keepDatabases?: boolean;
}

/**
 * Starts real servers over HTTP against the real database in `MONGO_URL` (see globalSetup), each stack
 * on two fresh databases that `stop()` drops.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const prefix = options.databasePrefix ?? `t${randomBytes(5).toString('hex')}`;
  const mongoUrl = options.mongoUrl ?? process.env.MONGO_URL;
  if (!mongoUrl) throw new Error('MONGO_URL is not set: the jest globalSetup should have started a database.');
  const env: Env = {
    MONGO_URL: mongoUrl,
    USERS_DB_NAME: `${prefix}_users`,
    ORDERS_DB_NAME: `${prefix}_orders`,
    USERS_HOST: '127.0.0.1',
    ORDERS_HOST: '127.0.0.1',
    ROUTER_HOST: '127.0.0.1',
    USERS_PORT: '0',
    ORDERS_PORT: '0',
    ROUTER_PORT: '0',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...routerExecutorEnv(),
    ...options.env,
  };
  const usersConfig = loadUsersConfig(env);
  const ordersConfig = loadOrdersConfig(env);
  const usersDatabase = await connectDatabase(usersConfig.mongo, 'users-subgraph-test');
  const ordersDatabase = await connectDatabase(ordersConfig.mongo, 'orders-subgraph-test');
  if (options.seed) await seedDemoData(usersDatabase.db, ordersDatabase.db, options.seed);

  const users = await createUsersService(usersConfig, usersDatabase);
  let orders = await createOrdersService(ordersConfig, ordersDatabase);
  const usersUrl = await users.start();
  const ordersUrl = await orders.start();
  const proxies: Partial<Record<'users' | 'orders', DelayProxy>> = {};
  const reach = async (name: 'users' | 'orders', url: string, delayMs: number | undefined) => {
    if (delayMs === undefined) return url;
    const proxy = await startDelayProxy(url, delayMs);
    proxies[name] = proxy;
    return proxy.url;
  };
  const router = createRouterService(
    loadRouterConfig({ ...env, SUBGRAPH_USERS_URL: await reach('users', usersUrl, options.subgraphDelayMs?.users), SUBGRAPH_ORDERS_URL: await reach('orders', ordersUrl, options.subgraphDelayMs?.orders) }),
  );
  const routerUrl = await router.start();
  const usersCommands = CommandLog.attach(usersDatabase.client);
  const ordersCommands = CommandLog.attach(ordersDatabase.client);

  return {
    routerUrl,
    usersUrl,
    ordersUrl,
    usersDatabase,
    ordersDatabase,
    usersCommands,
    ordersCommands,
    router,
    proxies,
    get orders() {
      return orders;
    },
    ordersPort: Number(new URL(ordersUrl).port),
    async restartOrders() {
      orders = await createOrdersService({ ...ordersConfig, port: Number(new URL(ordersUrl).port) });
      await orders.start();
    },
    async stop() {
      await router.stop();
      await Promise.all(Object.values(proxies).map((proxy) => proxy.close()));
      // Drop before the services close their connections.
      // Both through the users connection: the orders one is closed when a fault test has restarted orders.
      if (!options.keepDatabases) await Promise.all([usersDatabase.db.dropDatabase(), usersDatabase.client.db(ordersConfig.mongo.dbName).dropDatabase()]);
      await Promise.all([users.stop(), orders.stop(), ordersDatabase.close()]);
    },
  };
}
