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
 * Each target is measured in `--rounds` windows, the targets' order rotated each round, each window in
 * a process started (and warmed up) for it; reported as medians, the ratios to stock as the median of
 * each round's ratio: load from outside falls on every target alike.
 *
 * Flags: --duration S (per target, scenario and round, default 10), --rounds N (default 1), --warmup S
 * (default 3), --same-process (one process per target for all rounds), --variant name:KEY=value,KEY=value (repeatable: `plain-ours` with these settings, as
 * target `variant:name`), --json FILE (the medians and every round), --profile (also
 * write a CPU profile of stock and of each plain router, summarised at the end over the measured load
 * only), --scenarios a,b, --targets a,b, --node-flags '…' (V8 or Node flags for every target alike,
 * such as `--max-semi-space-size=64`: tuning that helps one helps all, so it is never given to one),
 * --source (run the targets through tsx instead of compiled; see `fromSource`).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import ts from 'typescript';
import { freePort, killAll, repoRoot, ServiceProcess } from '@fedstack/devkit';
import { argvFlag, argvFlags } from './lib/argvFlag';
import { gatewayScenarios, type GatewayScenarioName } from './lib/gatewayScenarios';
import { median } from './lib/median';
import { cpuSeconds, memory } from './lib/procStats';
import { summarizeProfile } from './lib/summarizeProfile';

const targets = ['apollo-gateway', 'plain-apollo', 'plain-ours', 'router', 'hive-dedup'] as const;
type Target = (typeof targets)[number];
const scenarios = gatewayScenarios;
type ScenarioName = GatewayScenarioName;

/** A target: one of {@link targets}, or a variant of `plain-ours` given with `--variant`. */
type TargetName = Target | `variant:${string}`;

/** What one measured window of one target gave. */
interface RoundResult {
  requestsPerSecond: number;
  /**
   * The target's peak resident set since it started (VmHWM, its process tree), in MiB, read at the end
   * of the window: with a process per round, its start, warm-up and this window.
   */
  peakRssMiB: number;
  cpuMsPerRequest: number;
  p50: number;
  p99: number;
  bytesPerRequest: number;
  failures: number;
}

/** One target under one scenario: the medians over the rounds (failures summed), and each round's numbers. */
interface Measurement extends RoundResult {
  scenario: ScenarioName;
  target: TargetName;
  /** Per round, in order: the same fields for that round's window alone. */
  rounds: RoundResult[];
  /**
   * Medians over the rounds of this target's figure against stock's in the same round (the first
   * target's when stock is not measured), each the better the higher.
   */
  roundRatios: { requestsPerSecond: number; cpu: number; p99: number };
}

const duration = Number(argvFlag('duration') ?? 10);
const warmup = Number(argvFlag('warmup') ?? 3);
const rounds = Math.max(1, Number(argvFlag('rounds') ?? 1));
const profile = process.argv.includes('--profile');
/**
 * A process of each target per round (the default), or one for the whole run (`--same-process`, and
 * always with `--profile`, whose summary reads one profile per target). Two processes of one build
 * differ by up to 10% on this scenario (JIT and memory layout), so comparing builds needs several.
 */
const fresh = !profile && !process.argv.includes('--same-process');
const chosenScenarios = (argvFlag('scenarios')?.split(',') ?? Object.keys(scenarios)) as ScenarioName[];
/** `--variant name:KEY=value,KEY=value`: `plain-ours` with these settings, measured as target `variant:name`. */
const variants = new Map(
  argvFlags('variant').map((text) => {
    const [name, settings = ''] = text.split(/:(.*)/s);
    const env = Object.fromEntries(settings.split(',').filter((pair) => pair.includes('=')).map((pair) => pair.split(/=(.*)/s).slice(0, 2) as [string, string]));
    return [`variant:${name}` as const, env];
  }),
);
/**
 * `--source`: run every target from its TypeScript through tsx, as `npm start` does. By default each
 * runs compiled, as in production (the Dockerfile's `node router/dist/index.js`): tsx's loader thread
 * and transforms add 35–50 MiB to a process's resident set, which would blur the memory comparison.
 */
const fromSource = process.argv.includes('--source');
/** Where the stock and Hive Gateway entries are compiled to: inside the repository, so node_modules resolves. */
const compiledServices = join(repoRoot, 'node_modules', '.cache', 'gateway-bound', 'services');
const chosenTargets: TargetName[] = [...((argvFlag('targets')?.split(',') ?? [...targets]) as Target[]), ...variants.keys()];
const extraNodeFlags = argvFlag('node-flags')?.split(' ').filter((part) => part !== '') ?? [];
const profileDir = mkdtempSync(join(tmpdir(), 'gateway-bound-profiles-'));
/** Per `scenario-target`, when its measured load ran (monotonic clock, the one CPU profiles are stamped with). */
const measuredWindows = new Map<string, Array<readonly [bigint, bigint]>>();

function profiled(target: TargetName): boolean {
  return profile && (target === 'apollo-gateway' || target.startsWith('plain-') || target.startsWith('variant:'));
}

/** Starts a target pinned to core 1 over a supergraph file. */
async function startTarget(target: TargetName, supergraphPath: string, scenario: ScenarioName): Promise<{ url: string; process: ServiceProcess }> {
  const port = await freePort();
  const nodeFlags = ['--max-old-space-size=1024', ...extraNodeFlags, ...(profiled(target) ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, `${scenario}-${target.replace(':', '-')}`)}`] : [])];
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), SUPERGRAPH_PATH: supergraphPath };
  if (target === 'apollo-gateway' || target === 'hive-dedup') {
    const name = target === 'apollo-gateway' ? 'stockGateway' : 'hiveGateway';
    const entry = fromSource ? `bench/services/${name}.ts` : join(compiledServices, `${name}.js`);
    const child = pinned(ServiceProcess.start({ name: target, entry, compiled: !fromSource, env: { ...env, HIVE_DEDUP: 'all', HIVE_UNSIGNED: 'true' }, nodeFlags, ipc: true }));
    const { url } = await child.waitForMessage((message): message is { type: 'ready'; url: string } => (message as { type?: string }).type === 'ready');
    return { url, process: child };
  }
  const secrets = Object.fromEntries(['users', 'orders', 'products', 'reviews', 'accounts', 'inventory'].map((name) => [`SUBGRAPH_${name.toUpperCase()}_SECRET`, 's'.repeat(40)]));
  const subgraphSecrets = Object.fromEntries(Object.entries(secrets).filter(([key]) => (scenarios[scenario].fixture === 'shop' ? !/USERS|ORDERS/.test(key) : /USERS|ORDERS/.test(key))));
  const plain = target === 'router' ? {} : { DEDUPE_SUBGRAPH_REQUESTS: 'false', DEDUPE_INBOUND_QUERIES: 'false', RESPONSE_CACHE: 'false' };
  const variant = target.startsWith('variant:') ? variants.get(target as `variant:${string}`) : undefined;
  const child = pinned(
    ServiceProcess.start({
      ipc: true,
      name: target,
      entry: fromSource ? 'router/src/index.ts' : 'router/dist/index.js',
      compiled: !fromSource,
      env: { ...env, ...subgraphSecrets, ...plain, AUTH_JWT_SECRET: 'j'.repeat(40), ROUTER_HOST: '127.0.0.1', ROUTER_PORT: String(port), ROUTER_WORKERS: '1', PERSISTED_DOCUMENTS: 'off', ROUTER_EXECUTOR: target === 'plain-apollo' ? 'apollo' : 'ours', ...variant },
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

interface Running {
  target: TargetName;
  url: string;
  process: ServiceProcess;
}

/** Starts a target, checks its first answer and warms it up. */
async function prepare(scenario: ScenarioName, target: TargetName, supergraphPath: string): Promise<Running> {
  const running = await startTarget(target, supergraphPath, scenario);
  const { body } = scenarios[scenario];
  const first = await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await first.text();
  if (first.status !== 200 || text.includes('"errors"')) {
    await running.process.stop();
    throw new Error(`${target} answered ${scenario} wrongly: ${text.slice(0, 300)}`);
  }
  await autocannon(running.url, body, warmup);
  return { target, ...running };
}

/** One measured window of one target. */
async function measureRound(scenario: ScenarioName, running: Running): Promise<RoundResult> {
  const before = cpuSeconds(running.process.pid);
  const from = process.hrtime.bigint();
  const result = await autocannon(running.url, scenarios[scenario].body, duration);
  // The profile is summarised over these windows only: start-up and warm-up would blur the steady state.
  const key = `${scenario}-${running.target.replace(':', '-')}`;
  measuredWindows.set(key, [...(measuredWindows.get(key) ?? []), [from, process.hrtime.bigint()]]);
  const cpu = cpuSeconds(running.process.pid) - before;
  const requests = result.requests.total;
  return {
    requestsPerSecond: Math.round((requests / result.duration) * 10) / 10,
    peakRssMiB: Math.round(memory(running.process.pid).peakRssBytes / 1024 / 1024),
    cpuMsPerRequest: Math.round((cpu * 1000 * 100) / Math.max(1, requests)) / 100,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytesPerRequest: Math.round(result.throughput.total / Math.max(1, requests)),
    failures: result.non2xx + result.errors,
  };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/**
 * Measures every target of one scenario in `rounds` rounds, the targets' order rotated each round, each
 * in a process of its own per round (started, checked and warmed up before its window): what else loads
 * the machine then falls on each target alike, the per-round ratios to stock compare windows a minute
 * or two apart, and the medians are over processes as well as over windows.
 */
async function measureScenario(scenario: ScenarioName, supergraphPath: string): Promise<Measurement[]> {
  const running = new Map<TargetName, Running>();
  try {
    if (!fresh) for (const target of chosenTargets) running.set(target, await prepare(scenario, target, supergraphPath));
    const perTarget = new Map<TargetName, RoundResult[]>(chosenTargets.map((target) => [target, []]));
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < chosenTargets.length; i++) {
        const target = chosenTargets[(i + round) % chosenTargets.length]!;
        const up = running.get(target) ?? (await prepare(scenario, target, supergraphPath));
        try {
          const result = await measureRound(scenario, up);
          perTarget.get(target)!.push(result);
          process.stderr.write(`${scenario} round ${round + 1}/${rounds} ${target}: ${JSON.stringify(result)}\n`);
        } finally {
          if (fresh) await up.process.stop();
        }
      }
    }
    // Ratios are to stock's window of the same round; without stock in the run, to the first target's.
    const stock = (perTarget.get('apollo-gateway') ?? perTarget.get(chosenTargets[0]!))!;
    return chosenTargets.map((target) => {
      const results = perTarget.get(target)!;
      const of = (field: keyof RoundResult) => median(results.map((result) => result[field]));
      const ratios = (pick: (ours: RoundResult, stockRound: RoundResult) => number) => round2(median(results.map((result, index) => pick(result, stock[index]!))));
      return {
        scenario,
        target,
        requestsPerSecond: round2(of('requestsPerSecond')),
        cpuMsPerRequest: round2(of('cpuMsPerRequest')),
        p50: of('p50'),
        p99: of('p99'),
        bytesPerRequest: Math.round(of('bytesPerRequest')),
        peakRssMiB: of('peakRssMiB'),
        failures: results.reduce((sum, result) => sum + result.failures, 0),
        rounds: results,
        roundRatios: {
          requestsPerSecond: ratios((ours, stockRound) => ours.requestsPerSecond / stockRound.requestsPerSecond),
          cpu: ratios((ours, stockRound) => stockRound.cpuMsPerRequest / ours.cpuMsPerRequest),
          p99: ratios((ours, stockRound) => stockRound.p99 / Math.max(1, ours.p99)),
        },
      };
    });
  } finally {
    for (const target of running.values()) await target.process.stop();
  }
}

/**
 * Builds what the targets run compiled: the router and the workspaces it references (`tsc -b router`,
 * incremental), and the stock and Hive Gateway entries of bench/services, each file transpiled to
 * CommonJS as it is (they import packages and each other only).
 */
function compileTargets(): void {
  // packages/server, which the router references, is what the stock and Hive entries use too.
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'router'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('tsc -b failed: the targets cannot run compiled (or run them with --source)');
  mkdirSync(compiledServices, { recursive: true });
  for (const name of ['stockGateway', 'hiveGateway', 'signing']) {
    const source = readFileSync(join(repoRoot, 'bench', 'services', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } });
    writeFileSync(join(compiledServices, `${name}.js`), outputText);
  }
}

async function main(): Promise<void> {
  if (!fromSource) compileTargets();
  const results: Measurement[] = [];
  for (const scenario of chosenScenarios) {
    const supergraphPath = join(mkdtempSync(join(tmpdir(), 'gateway-bound-')), 'supergraph.graphql');
    const subgraphs = pinned(ServiceProcess.start({ ipc: true, name: 'subgraphs', entry: 'bench/services/memorySubgraphs.ts', env: { ...process.env, NODE_ENV: 'production', BENCH_FIXTURE: scenarios[scenario].fixture, BENCH_SUPERGRAPH_PATH: supergraphPath } }), 0);
    await subgraphs.waitForMessage((message): message is { type: 'ready' } => (message as { type?: string }).type === 'ready');
    try {
      results.push(...(await measureScenario(scenario, supergraphPath)));
    } finally {
      await subgraphs.stop();
    }
  }
  report(results);
}

function report(results: Measurement[]): void {
  const lines = [
    `Medians of ${rounds} round(s) of ${duration} s per target; the ratios are medians of each round's ratio to ${chosenTargets.includes('apollo-gateway') ? "stock's" : `${chosenTargets[0]}'s`} window of the same round.`,
    '',
    '| scenario | target | req/s | × stock | CPU ms/req | stock CPU ÷ | p50 ms | p99 ms | stock p99 ÷ | peak RSS MiB | bytes/answer | failures |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const result of results) {
    const ratios = result.roundRatios;
    lines.push(
      `| ${result.scenario} | ${result.target} | ${result.requestsPerSecond} | ${ratios.requestsPerSecond.toFixed(2)} | ${result.cpuMsPerRequest} | ${ratios.cpu.toFixed(2)} | ${result.p50} | ${result.p99} | ${ratios.p99.toFixed(2)} | ${result.peakRssMiB} | ${result.bytesPerRequest} | ${result.failures} |`,
    );
  }
  const json = argvFlag('json');
  if (json) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), duration, rounds, results }, null, 2)}\n`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (!profile) return;
  for (const dir of readdirSync(profileDir)) {
    const file = readdirSync(join(profileDir, dir)).find((name) => name.endsWith('.cpuprofile'));
    if (!file) continue;
    const window = measuredWindows.get(dir);
    const summary = summarizeProfile(join(profileDir, dir, file), { top: 16, windows: window });
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
