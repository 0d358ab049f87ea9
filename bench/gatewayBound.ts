/**
 * `npm run bench:gateway`: the gateway-bound scenarios of issue 12. Subgraphs answer from memory at once,
 * in a process of their own; each target is pinned to one core (`taskset -c 1`), the subgraphs and the
 * load generator (autocannon, 50 connections) share the other, so what limits a target is its own CPU.
 *
 * Scenarios: `gatewayBound` (the shop supergraph's nested query: four subgraphs, lists of entities
 * inside lists, fragments on an interface, an answer of about 85 KB) and the project's own
 * `userWithOrders` and `usersWithOrders` on its SDL with in-memory resolvers.
 * Targets: stock Apollo Gateway; our router with dedup and response cache off on each executor
 * (`plain-apollo`, `plain-ours`); our router with its defaults and our executor (`router`); Hive
 * Gateway with its subgraph and inbound deduplication on (`hive-dedup`), what `router` is held against.
 *
 * Flags: --duration S (per target and scenario, default 10), --warmup S (default 3), --profile (also
 * write a CPU profile of stock and of each plain router, summarised at the end over the measured load
 * only), --scenarios a,b, --targets a,b, --node-flags '…' (V8 or Node flags for every target alike,
 * such as `--max-semi-space-size=64`: tuning that helps one helps all, so it is never given to one).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { freePort, killAll, ServiceProcess } from '@fedstack/devkit';
import { gatewayBoundQuery } from '../test/differential/supergraphs/shop';
import { cpuSeconds } from './lib/procStats';
import { summarizeProfile } from './lib/summarizeProfile';

const targets = ['apollo-gateway', 'plain-apollo', 'plain-ours', 'router', 'hive-dedup'] as const;
type Target = (typeof targets)[number];
const scenarios = {
  gatewayBound: { fixture: 'shop', body: JSON.stringify({ query: gatewayBoundQuery, variables: { first: 12 } }) },
  userWithOrders: {
    fixture: 'project',
    body: JSON.stringify({
      query: 'query UserWithOrders($id: ID!) { user(id: $id) { id name email orders(first: 10) { nodes { id total currency status createdAt items { sku quantity unitPrice } } } } }',
      variables: { id: '677485800001000000000003' },
    }),
  },
  usersWithOrders: { fixture: 'project', body: JSON.stringify({ query: 'query UsersWithOrders { users(first: 50) { nodes { id name orders(first: 10) { nodes { id total status createdAt } } } } }' }) },
} as const;
type ScenarioName = keyof typeof scenarios;

/** One target under one scenario. */
interface Measurement {
  scenario: ScenarioName;
  target: Target;
  requestsPerSecond: number;
  cpuMsPerRequest: number;
  p50: number;
  p99: number;
  bytesPerRequest: number;
  failures: number;
}

function flag(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? '') : undefined;
}

const duration = Number(flag('duration') ?? 10);
const warmup = Number(flag('warmup') ?? 3);
const profile = process.argv.includes('--profile');
const chosenScenarios = (flag('scenarios')?.split(',') ?? Object.keys(scenarios)) as ScenarioName[];
const chosenTargets = (flag('targets')?.split(',') ?? [...targets]) as Target[];
const extraNodeFlags = flag('node-flags')?.split(' ').filter((part) => part !== '') ?? [];
const profileDir = mkdtempSync(join(tmpdir(), 'gateway-bound-profiles-'));
/** Per `scenario-target`, when its measured load ran (monotonic clock, the one CPU profiles are stamped with). */
const measuredWindows = new Map<string, readonly [bigint, bigint]>();

/** Starts a target pinned to core 1 over a supergraph file. */
async function startTarget(target: Target, supergraphPath: string, scenario: ScenarioName): Promise<{ url: string; process: ServiceProcess }> {
  const port = await freePort();
  const nodeFlags = ['--max-old-space-size=1024', ...extraNodeFlags, ...(profile && (target === 'apollo-gateway' || target.startsWith('plain-')) ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${scenario}-${target}`)}`] : [])];
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), SUPERGRAPH_PATH: supergraphPath };
  if (target === 'apollo-gateway' || target === 'hive-dedup') {
    const entry = target === 'apollo-gateway' ? 'bench/services/stockGateway.ts' : 'bench/services/hiveGateway.ts';
    const child = pinned(ServiceProcess.start({ name: target, entry, env: { ...env, HIVE_DEDUP: 'all', HIVE_UNSIGNED: 'true' }, nodeFlags, ipc: true }));
    const { url } = await child.waitForMessage((message): message is { type: 'ready'; url: string } => (message as { type?: string }).type === 'ready');
    return { url, process: child };
  }
  const secrets = Object.fromEntries(['users', 'orders', 'products', 'reviews', 'accounts', 'inventory'].map((name) => [`SUBGRAPH_${name.toUpperCase()}_SECRET`, 's'.repeat(40)]));
  const subgraphSecrets = Object.fromEntries(Object.entries(secrets).filter(([key]) => (scenarios[scenario].fixture === 'shop' ? !/USERS|ORDERS/.test(key) : /USERS|ORDERS/.test(key))));
  const plain = target === 'router' ? {} : { DEDUPE_SUBGRAPH_REQUESTS: 'false', DEDUPE_INBOUND_QUERIES: 'false', RESPONSE_CACHE: 'false' };
  const child = pinned(
    ServiceProcess.start({
      ipc: true,
      name: target,
      entry: 'router/src/index.ts',
      env: { ...env, ...subgraphSecrets, ...plain, AUTH_JWT_SECRET: 'j'.repeat(40), ROUTER_HOST: '127.0.0.1', ROUTER_PORT: String(port), ROUTER_WORKERS: '1', PERSISTED_DOCUMENTS: 'off', ROUTER_EXECUTOR: target === 'plain-apollo' ? 'apollo' : 'ours' },
      nodeFlags,
    }),
  );
  await child.waitForUrl(`http://127.0.0.1:${port}/health/live`, { ready: (status) => status === 200 });
  return { url: `http://127.0.0.1:${port}/graphql`, process: child };
}

function pinned(child: ServiceProcess, core = 1): ServiceProcess {
  spawn('taskset', ['-a', '-p', '-c', String(core), String(child.pid)], { stdio: 'ignore' });
  return child;
}

/** Runs autocannon, pinned to core 0, in a process of its own; returns its JSON summary. */
function autocannon(url: string, body: string, seconds: number): Promise<{ requests: { total: number }; latency: { p50: number; p99: number }; throughput: { total: number }; non2xx: number; errors: number; duration: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', ['-c', '0', process.execPath, 'node_modules/autocannon/autocannon.js', '-c', '50', '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-j', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`autocannon exited ${code}`))));
  });
}

async function measure(scenario: ScenarioName, target: Target, supergraphPath: string): Promise<Measurement> {
  const running = await startTarget(target, supergraphPath, scenario);
  try {
    const { body } = scenarios[scenario];
    const first = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await first.text();
    if (first.status !== 200 || text.includes('"errors"')) throw new Error(`${target} answered ${scenario} wrongly: ${text.slice(0, 300)}`);
    await autocannon(running.url, body, warmup);
    const before = cpuSeconds(running.process.pid);
    const from = process.hrtime.bigint();
    const result = await autocannon(running.url, body, duration);
    // The profile is summarised over this window only: start-up and warm-up would blur the steady state.
    measuredWindows.set(`${scenario}-${target}`, [from, process.hrtime.bigint()]);
    const cpu = cpuSeconds(running.process.pid) - before;
    const requests = result.requests.total;
    return {
      scenario,
      target,
      requestsPerSecond: Math.round((requests / result.duration) * 10) / 10,
      cpuMsPerRequest: Math.round((cpu * 1000 * 100) / Math.max(1, requests)) / 100,
      p50: result.latency.p50,
      p99: result.latency.p99,
      bytesPerRequest: Math.round(result.throughput.total / Math.max(1, requests)),
      failures: result.non2xx + result.errors,
    };
  } finally {
    await running.process.stop();
  }
}

async function main(): Promise<void> {
  const results: Measurement[] = [];
  for (const scenario of chosenScenarios) {
    const supergraphPath = join(mkdtempSync(join(tmpdir(), 'gateway-bound-')), 'supergraph.graphql');
    const subgraphs = pinned(ServiceProcess.start({ ipc: true, name: 'subgraphs', entry: 'bench/services/memorySubgraphs.ts', env: { ...process.env, NODE_ENV: 'production', BENCH_FIXTURE: scenarios[scenario].fixture, BENCH_SUPERGRAPH_PATH: supergraphPath } }), 0);
    await subgraphs.waitForMessage((message): message is { type: 'ready' } => (message as { type?: string }).type === 'ready');
    try {
      for (const target of chosenTargets) {
        const measurement = await measure(scenario, target, supergraphPath);
        results.push(measurement);
        process.stderr.write(`${scenario} ${target}: ${JSON.stringify(measurement)}\n`);
      }
    } finally {
      await subgraphs.stop();
    }
  }
  report(results);
}

function report(results: Measurement[]): void {
  const lines = ['| scenario | target | req/s | × stock | CPU ms/req | stock CPU ÷ | p50 ms | p99 ms | stock p99 ÷ | bytes/answer | failures |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const result of results) {
    const stock = results.find((other) => other.scenario === result.scenario && other.target === 'apollo-gateway');
    const ratio = (a: number | undefined, b: number) => (a && b ? (Math.round((a / b) * 100) / 100).toFixed(2) : '–');
    lines.push(
      `| ${result.scenario} | ${result.target} | ${result.requestsPerSecond} | ${ratio(result.requestsPerSecond, stock?.requestsPerSecond ?? 0)} | ${result.cpuMsPerRequest} | ${ratio(stock?.cpuMsPerRequest, result.cpuMsPerRequest)} | ${result.p50} | ${result.p99} | ${ratio(stock?.p99, result.p99)} | ${result.bytesPerRequest} | ${result.failures} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!profile) return;
  for (const dir of readdirSync(profileDir)) {
    const file = readdirSync(join(profileDir, dir)).find((name) => name.endsWith('.cpuprofile'));
    if (!file) continue;
    const window = measuredWindows.get(dir);
    const summary = summarizeProfile(join(profileDir, dir, file), { top: 16, windows: window ? [window] : undefined });
    process.stdout.write(`\n### ${dir} (${Math.round(summary.busyMs)} ms busy in the measured window)\n\n| package | % | charged to the calling package | % |\n| --- | ---: | --- | ---: |\n`);
    for (let i = 0; i < 12; i++) {
      const own = summary.byPackage[i];
      const charged = summary.byCallingPackage[i];
      if (!own && !charged) break;
      process.stdout.write(`| ${own?.name ?? ''} | ${own?.percent ?? ''} | ${charged?.name ?? ''} | ${charged?.percent ?? ''} |\n`);
    }
    process.stdout.write('\n| area | % |\n| --- | ---: |\n');
    for (const entry of summary.byArea) process.stdout.write(`| ${entry.name} | ${entry.percent} |\n`);
    process.stdout.write('\n| function | % |\n| --- | ---: |\n');
    for (const entry of summary.topFunctions.slice(0, 16)) process.stdout.write(`| \`${entry.name}\` | ${entry.percent} |\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  killAll();
  process.exit(1);
});
