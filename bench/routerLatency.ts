/**
 * What one request costs through the whole stack when nothing else is in flight: a demo user's first
 * page of orders with its totalCount, sent with the user's token to a running router (`npm start`),
 * one at a time on one connection. Prints the median and 90th percentile wall time, and, given the
 * embedded database's port, its CPU time per request (utime + stime from /proc, steadier than wall
 * time on a shared machine). docs/performance.md holds its results.
 *
 *   npm start                                          # in another terminal; note the database's port
 *   TOKEN=$(npm run -s token -- --seeded 0)
 *   node --conditions=source --import tsx bench/routerLatency.ts --url http://localhost:4000/graphql --token "$TOKEN" --db-port 41234
 */
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import { demoUsers } from '@fedstack/devkit';
import { cpuSeconds } from './lib/procStats';

const query = `query UserOrdersPage($id: ID!) {
  user(id: $id) { id name orders(first: 5) { totalCount nodes { id total currency status createdAt } pageInfo { hasNextPage endCursor } } }
}`;

/** The process listening as the embedded database on this port: the FerretDB whose command line names it. */
function databasePid(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline.split('\0').includes(`--listen-addr=127.0.0.1:${port}`)) return Number(entry);
  }
  throw new Error(`No process was started with --listen-addr=127.0.0.1:${port}: give --db-port the embedded database's port, which npm start prints.`);
}

/** One POST on the agent's one connection; resolves with the parsed body. */
function post(url: URL, agent: Agent, body: string, token: string): Promise<unknown> {
  return new Promise((resolvePost, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`));
          else resolvePost(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { url: { type: 'string', default: 'http://localhost:4000/graphql' }, token: { type: 'string' }, seeded: { type: 'string', default: '0' }, runs: { type: 'string', default: '200' }, 'db-port': { type: 'string' } },
  });
  if (!values.token) throw new Error('Give --token, for example "$(npm run -s token -- --seeded 0)" (the same user as --seeded).');
  const runs = Number(values.runs);
  const userId = demoUsers(Number(values.seeded) + 1).at(-1)!._id.toHexString();
  const body = JSON.stringify({ query, variables: { id: userId } });
  const url = new URL(values.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const pid = values['db-port'] ? databasePid(Number(values['db-port'])) : undefined;

  const first = (await post(url, agent, body, values.token)) as { data?: { user?: { orders?: { totalCount: number; nodes: unknown[] } } }; errors?: unknown };
  const orders = first.data?.user?.orders;
  if (first.errors || !orders || orders.nodes.length === 0) throw new Error(`Expected the user's orders, but got: ${JSON.stringify(first)}`);
  for (let i = 0; i < 20; i++) await post(url, agent, body, values.token); // warm-up: JIT, connection pools, caches of plans

  const cpuBefore = pid === undefined ? 0 : cpuSeconds(pid, [pid]);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await post(url, agent, body, values.token);
    times.push(performance.now() - started);
  }
  const cpuMs = pid === undefined ? undefined : ((cpuSeconds(pid, [pid]) - cpuBefore) * 1000) / runs;
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(runs - 1, Math.floor(runs * q))]! * 10) / 10;
  process.stdout.write(
    `user ${userId}: first 5 of ${orders.totalCount} orders with totalCount, ${runs} requests on one connection: ` +
      `p50 ${at(0.5)} ms, p90 ${at(0.9)} ms${cpuMs === undefined ? '' : `, database CPU ${Math.round(cpuMs * 100) / 100} ms per request`}\n`,
  );
  agent.destroy();
}

main().catch((error: unknown) => {
  process.stderr.write(`routerLatency failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
