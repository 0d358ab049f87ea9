/**
 * `npm run bench`: measures the federated core on this machine and prints a table and JSON
 * (bench/results/core.json). Starts its own database (unless MONGO_URL is set) and services on loopback,
 * sends a bounded number of requests, and stops by itself.
 *
 * - Latency with 100 ms injected between the router and each subgraph: a users-only and an orders-only
 *   query (one call each), a user with their orders (planned in parallel: about the slower of the two,
 *   not their sum), and an order with its user (two calls in a row, by nature).
 * - MongoDB commands per request for 10 and 100 users with their orders, from command monitoring.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startFerretDB } from '../scripts/lib/ferretdb';
import { demoUsers } from '../scripts/lib/seed';
import { asAdmin } from '../test/support/auth';
import { postGraphQL, useDefaultHeaders } from '../test/support/graphql';
import { startStack, type Stack } from '../test/support/stack';

const delayMs = 100;
const runs = 15;

async function median(stack: Stack, query: string): Promise<number> {
  await postGraphQL(stack.routerUrl, query);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await postGraphQL(stack.routerUrl, query);
    times.push(performance.now() - started);
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)]! * 10) / 10;
}

async function commandsPerRequest(stack: Stack, count: number, withCounts: boolean) {
  const query = withCounts
    ? `{ users(first: ${count}) { totalCount nodes { name orders(first: 5) { totalCount nodes { id total } } } } }`
    : `{ users(first: ${count}) { nodes { name orders(first: 5) { nodes { id total } } } } }`;
  stack.usersCommands.clear();
  stack.ordersCommands.clear();
  await postGraphQL(stack.routerUrl, query);
  return { users: stack.usersCommands.count(), orders: stack.ordersCommands.count() };
}

async function main(): Promise<void> {
  let stopDatabase = async () => {};
  if (!process.env.MONGO_URL) {
    const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-bench-'));
    const database = await startFerretDB({ dataDir, port: 0, log: (m) => process.stderr.write(`${m}\n`) });
    process.env.MONGO_URL = database.url;
    stopDatabase = async () => {
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  // Orders are private: the bench reads them as an admin.
  useDefaultHeaders(await asAdmin());
  const seed = { users: 200, orders: 2000 };
  const userId = demoUsers(1)[0]!._id.toHexString();

  const delayed = await startStack({ seed, subgraphDelayMs: { users: delayMs, orders: delayMs } });
  const anOrder = (await postGraphQL(delayed.routerUrl, `{ user(id: "${userId}") { orders(first: 1) { nodes { id } } } }`)).body.data as { user: { orders: { nodes: Array<{ id: string }> } } };
  const latency = {
    injectedDelayMs: delayMs,
    oneSubgraphMs: await median(delayed, `{ user(id: "${userId}") { name } }`),
    ordersOnlyMs: await median(delayed, `{ user(id: "${userId}") { orders(first: 5) { nodes { id total } } } }`),
    userWithOrdersParallelMs: await median(delayed, `{ user(id: "${userId}") { name orders(first: 5) { nodes { id total } } } }`),
    orderWithUserSequentialMs: await median(delayed, `{ order(id: "${anOrder.user.orders.nodes[0]!.id}") { total user { name } } }`),
  };
  await delayed.stop();

  const stack = await startStack({ seed });
  const commands = {
    users10: await commandsPerRequest(stack, 10, false),
    users100: await commandsPerRequest(stack, 100, false),
    users10WithCounts: await commandsPerRequest(stack, 10, true),
    users100WithCounts: await commandsPerRequest(stack, 100, true),
  };
  await stack.stop();
  await stopDatabase();

  const result = { date: new Date().toISOString(), database: process.env.MONGO_URL?.startsWith('mongodb://127.0.0.1') ? 'embedded FerretDB (SQLite)' : 'MONGO_URL', latency, commands };
  process.stdout.write(
    [
      `latency, median of ${runs}, ${delayMs} ms injected per subgraph call:`,
      `  users only (one call)        ${latency.oneSubgraphMs} ms`,
      `  orders only (one call)       ${latency.ordersOnlyMs} ms`,
      `  user + orders (Parallel)     ${latency.userWithOrdersParallelMs} ms`,
      `  order + user (Sequence)      ${latency.orderWithUserSequentialMs} ms`,
      'MongoDB commands per request (users / orders):',
      ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(28)} ${c.users} / ${c.orders}`),
      '',
    ].join('\n'),
  );
  mkdirSync(resolve(__dirname, 'results'), { recursive: true });
  writeFileSync(resolve(__dirname, 'results', 'core.json'), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
