/**
 * The federated core's two properties, measured on our router with one request at a time:
 *
 * - Parallelism: with `delayMs` injected between the router and each subgraph (a delay proxy per
 *   subgraph, standing for subgraphs on other machines), the latency of a user with their orders,
 *   planned as a `Parallel` of a users and an orders fetch, next to one call to either subgraph alone,
 *   and of an order with its user, which needs two calls in a row (`Sequence`).
 * - Batching: MongoDB commands per request for 10, 50, 100 and 500 users with their orders (the sizes
 *   the data set holds), from the subgraphs' command monitoring, each size one page: the subgraphs run
 *   with `MAX_PAGE_SIZE` 500 (see BenchStack) and so does the router these are measured through, so
 *   500 users are `users(first: 500)`, and the goal is that this costs the commands 10 users do. Also
 *   `users500pages`: the same 500 users as five pages of 100 (the default maximum) in one operation,
 *   what a client of a router with default settings has to send.
 */
import { encodeCursor } from '@fedstack/subgraph';
import { startDelayProxy } from '@fedstack/devkit';
import { benchMaxPageSize, type BenchStack } from './lib/BenchStack';
import { medianMs } from './lib/medianMs';
import { benchData } from './lib/scenarios';
import { startTarget } from './lib/startTarget';

/** Latencies with an injected delay, medians in milliseconds. */
export interface ParallelismResult {
  injectedDelayMs: number;
  runs: number;
  usersOnlyMs: number;
  ordersOnlyMs: number;
  userWithOrdersParallelMs: number;
  orderWithUserSequenceMs: number;
  /** The parallel query over the slower of the two single calls: 1 is perfect overlap. */
  parallelOverSlowerSingleCall: number;
  /** The parallel query over one call to the users subgraph (the goal: at most 1.15). */
  parallelOverUsersCall: number;
}

/** MongoDB commands one request sent, per subgraph. */
export interface CommandsResult {
  users: number;
  orders: number;
  /** Documents the replies carried, both subgraphs together. */
  documents: number;
  /** Why the request failed, when it did (the counts are then what it sent before failing). */
  failed?: string;
}

async function post(url: string, authorization: string, query: string, variables: Record<string, unknown> = {}): Promise<unknown> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { errors?: Array<{ message: string }> };
  if (response.status !== 200 || body.errors?.length) throw new Error(`the router answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Starts our router behind delay proxies, measures the four latencies, and stops it. */
export async function measureParallelism(stack: BenchStack, options: { delayMs: number; runs: number }): Promise<ParallelismResult> {
  const usersProxy = await startDelayProxy(stack.users.url, options.delayMs);
  const ordersProxy = await startDelayProxy(stack.orders.url, options.delayMs);
  // Subgraph calls are what is timed: the response cache would answer the repeated users-only query itself.
  const router = await startTarget('router', stack, { subgraphUrls: { users: usersProxy.url, orders: ordersProxy.url }, env: { RESPONSE_CACHE: 'false' } });
  try {
    const data = benchData(stack.seed);
    const id = data.userIds[Math.min(3, data.userIds.length - 1)]!;
    const send = (query: string, variables: Record<string, unknown> = { id }) => () => post(router.url, stack.authorization, query, variables);
    const usersOnlyMs = await medianMs(options.runs, send('query($id: ID!) { user(id: $id) { name } }'));
    const ordersOnlyMs = await medianMs(options.runs, send('query($id: ID!) { user(id: $id) { orders(first: 5) { nodes { id total } } } }'));
    const userWithOrdersParallelMs = await medianMs(options.runs, send('query($id: ID!) { user(id: $id) { name orders(first: 5) { nodes { id total } } } }'));
    const orderWithUserSequenceMs = await medianMs(options.runs, send('query($id: ID!) { order(id: $id) { total user { name } } }', { id: data.orderIds[0] }));
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      injectedDelayMs: options.delayMs,
      runs: options.runs,
      usersOnlyMs,
      ordersOnlyMs,
      userWithOrdersParallelMs,
      orderWithUserSequenceMs,
      parallelOverSlowerSingleCall: ratio(userWithOrdersParallelMs, Math.max(usersOnlyMs, ordersOnlyMs)),
      parallelOverUsersCall: ratio(userWithOrdersParallelMs, usersOnlyMs),
    };
  } finally {
    await router.process.stop();
    await Promise.all([usersProxy.close(), ordersProxy.close()]);
  }
}

/**
 * Commands per request for 10, 50, 100 and 500 users (those the data set holds), each with their first 5
 * orders, through a router of our own with `MAX_PAGE_SIZE` as the stack's subgraphs have it (no load on
 * it; stopped at the end): every size as one page, and 500 also as five pages of 100 (`users500pages`).
 */
export async function measureCommands(stack: BenchStack): Promise<Record<string, CommandsResult>> {
  const data = benchData(stack.seed);
  const selection = 'nodes { name orders(first: 5) { nodes { id total } } }';
  const queries: Record<string, string> = {};
  // Only sizes the data set holds, or the count would compare a page with a shorter one.
  for (const size of [10, 50, 100, 500].filter((n) => n <= data.userIds.length)) queries[`users${size}`] = `{ users(first: ${size}) { ${selection} } }`;
  if (data.userIds.length >= 500) {
    const pages = [0, 1, 2, 3, 4].map((page) => {
      const after = page === 0 ? '' : `, after: "${encodeCursor([data.userIds[page * 100 - 1]!])}"`;
      return `page${page}: users(first: 100${after}) { ${selection} }`;
    });
    queries.users500pages = `{ ${pages.join(' ')} }`;
  }
  // 500 users with 5 orders each cost about 9,000 by the router's estimate: under its default MAX_COST.
  const router = await startTarget('router', stack, { env: { MAX_PAGE_SIZE: String(benchMaxPageSize) } });
  try {
    const results: Record<string, CommandsResult> = {};
    await stack.waitForQuiet();
    for (const [name, query] of Object.entries(queries)) {
      const failed = await post(router.url, stack.authorization, query).then(
        () => undefined,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      const { users, orders } = await stack.commands(true);
      const count = (commands: Record<string, number>) => Object.values(commands).reduce((sum, n) => sum + n, 0);
      results[name] = { users: count(users.commands), orders: count(orders.commands), documents: users.documentsReturned + orders.documentsReturned, ...(failed ? { failed } : {}) };
    }
    return results;
  } finally {
    await router.process.stop();
  }
}
