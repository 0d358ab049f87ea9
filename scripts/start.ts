/**
 * `npm start`: the whole platform on one machine. Starts the database (the embedded FerretDB unless
 * MONGO_URL is set), seeds the demo data, starts the users and orders subgraphs and then the router,
 * prints the URLs, and on Ctrl-C stops everything in reverse order.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectDatabase } from '@fedstack/subgraph';
import { readPort, readString } from '@fedstack/server';
import { loadConfig as loadRouterConfig } from '@fedstack/router';
import { loadConfig as loadOrdersConfig } from '@fedstack/orders';
import { loadConfig as loadUsersConfig } from '@fedstack/users';
import { repoRoot, seedDemoData, ServiceProcess, startFerretDB, type EmbeddedDatabase } from '@fedstack/devkit';

const log = (message: string) => process.stdout.write(`[start] ${message}\n`);
const children: ServiceProcess[] = [];
let database: EmbeddedDatabase | undefined;
let stopping = false;

/**
 * Starts one service as a child process running its TypeScript, its output prefixed with its name. In a
 * process group of its own: a Ctrl-C reaches only this script, which stops the services in order.
 */
function startService(name: string, entry: string, env: NodeJS.ProcessEnv): ServiceProcess {
  const service = ServiceProcess.start({ name, entry, env, detached: true, output: 'forward' });
  void service.exited.then(({ code, signal }) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything.`);
      void stop(1);
    }
  });
  children.push(service);
  return service;
}

/** Polls a service's readiness endpoint until it answers 200, or fails after `timeoutMs`. */
async function waitUntilReady(name: string, graphqlUrl: string, timeoutMs = 60_000): Promise<void> {
  const readyUrl = graphqlUrl.replace(/\/graphql$/, '/health/ready');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (stopping) return;
    try {
      if ((await fetch(readyUrl)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready at ${readyUrl} within ${timeoutMs / 1000} s`);
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  // The router first, so nothing calls a subgraph that is already gone; the database last.
  for (const service of [...children].reverse()) {
    service.signal('SIGTERM');
    await service.exited;
  }
  await database?.stop();
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  // Settings from .env, when there is one; the environment wins over the file.
  if (existsSync(resolve(repoRoot, '.env'))) process.loadEnvFile(resolve(repoRoot, '.env'));
  process.on('SIGTERM', () => void stop(0));

  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!readString(env, 'MONGO_URL') && !(readString(env, 'USERS_MONGO_URL') && readString(env, 'ORDERS_MONGO_URL'))) {
    const dataDir = resolve(repoRoot, readString(env, 'EMBEDDED_DB_DIR', '.data/ferretdb'));
    const port = readPort(env, 'EMBEDDED_DB_PORT', 0);
    log(`MONGO_URL is not set: starting the embedded database (FerretDB), data in ${dataDir}`);
    database = await startFerretDB({ dataDir, port, log, detached: true });
    env.MONGO_URL = database.url;
  }

  // Read every service's settings up front, so a bad value fails here, in one place, before anything starts.
  const usersConfig = loadUsersConfig(env);
  const ordersConfig = loadOrdersConfig(env);
  const localUrl = (port: number) => `http://localhost:${port}/graphql`;
  const usersUrl = localUrl(usersConfig.port);
  const ordersUrl = localUrl(ordersConfig.port);
  env.SUBGRAPH_USERS_URL ??= usersUrl;
  env.SUBGRAPH_ORDERS_URL ??= ordersUrl;
  const routerConfig = loadRouterConfig(env);

  if (readString(env, 'SEED', 'true') !== 'false') {
    const users = await connectDatabase(usersConfig.mongo, 'seed');
    const orders = await connectDatabase(ordersConfig.mongo, 'seed');
    const result = await seedDemoData(users.db, orders.db);
    await Promise.all([users.close(), orders.close()]);
    log(result.usersInserted + result.ordersInserted > 0 ? `seeded ${result.usersInserted} users and ${result.ordersInserted} orders` : 'demo data already there');
  }

  startService('users', 'subgraphs/users/src/index.ts', env);
  startService('orders', 'subgraphs/orders/src/index.ts', env);
  await Promise.all([waitUntilReady('users', usersUrl), waitUntilReady('orders', ordersUrl)]);
  startService('router', 'router/src/index.ts', env);
  const routerUrl = localUrl(routerConfig.port);
  await waitUntilReady('router', routerUrl);

  log('ready:');
  log(`  router (the graph)  ${routerUrl}`);
  log(`  users subgraph      ${usersUrl}`);
  log(`  orders subgraph     ${ordersUrl}`);
  log(`  database            ${env.MONGO_URL ?? `${usersConfig.mongo.url} / ${ordersConfig.mongo.url}`}`);
  log(`try: curl -s ${routerUrl} -H 'content-type: application/json' -d '{"query":"{ users(first: 3) { totalCount nodes { id name } } }"}'`);
  log(`orders are private: TOKEN=$(npm run -s token -- --seeded 0) and send -H "authorization: Bearer $TOKEN" (docs/security.md)`);
  log('Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
  process.stderr.write(`[start] ${error instanceof Error ? error.message : String(error)}\n`);
  void stop(1);
});
