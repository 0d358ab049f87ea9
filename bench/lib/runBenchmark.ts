import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { demoDataSet, repoRoot, type SeedOptions } from '@fedstack/devkit';
import { measureCommands, measureParallelism, type CommandsResult, type ParallelismResult } from '../core';
import { benchMaxPageSize, BenchStack, startBenchDatabase, waitForQuiet, type BenchDatabase, type CommandCounts } from './BenchStack';
import { LoadGenerator, summarizeLatencies, type LoadJob, type LoadResult } from './LoadGenerator';
import { measureSoak, type SoakResult } from './measureSoak';
import type { BenchOptions } from './parseOptions';
import { machineBusySeconds, ProcessSampler, type ProcessUsage } from './procStats';
import { createScenarios, benchData, requestPath, type ScenarioName } from './scenarios';
import { summarizeProfile, type ProfileSummary } from './summarizeProfile';
import { startTarget, targetTitles, type RunningTarget, type TargetName, type TargetOptions } from './startTarget';

/** CPU of one process (tree) during a measurement. */
export interface CpuShare {
  /** Average cores busy: 1 is one core fully used. */
  cores: number;
  /** CPU milliseconds per answered request. */
  msPerRequest: number;
}

/** One scenario against one target. */
export interface ScenarioResult extends LoadResult {
  target: TargetName;
  scenario: ScenarioName;
  /** Why the scenario was not measured (its first answer was wrong), when it was not. */
  failed?: string;
  /**
   * CPU by process: the target, each subgraph, the database (when it runs here), the load generator;
   * and the cores busy with anything else on the machine meanwhile (the bench itself, other work), which
   * should be near 0 for a clean measurement.
   */
  cpu: { target: CpuShare; users: CpuShare; orders: CpuShare; database: CpuShare | null; loadGenerator: CpuShare; otherCores: number };
  /** The target's resident memory in the measurement, MiB. */
  memoryMiB: { start: number; end: number; peak: number };
  /**
   * MongoDB commands per answered request under load, by subgraph (the ceiling's own connections count
   * as theirs): what deduplication saves shows here. Give or take the requests in flight at the window's
   * edges.
   */
  mongoCommandsPerRequest: { users: number; orders: number; total: number; byCommand: Record<string, number> };
  /** MongoDB commands of the scenario's first request, sent alone: exact, and the same for every target that batches alike. */
  mongoCommandsOneRequest: number;
}

/** Everything a run measured: what `bench/results/<name>.json` holds. */
export interface BenchReport {
  name: string;
  date: string;
  mode: BenchOptions['mode'];
  /** The machine, and its 1-minute load average when the run began (other work competes for the same cores). */
  machine: { cpuModel: string; cores: number; memoryGiB: number; node: string; platform: string; loadAverageAtStart: number };
  database: string;
  data: SeedOptions;
  settings: LoadSettings;
  targets: Array<{ name: TargetName; title: string }>;
  results: ScenarioResult[];
  /** Each target's resident memory over the whole run (it stays up from the first scenario to the last). */
  memory: TargetMemory[];
  core: { parallelism: ParallelismResult; commandsPerRequest: Record<string, CommandsResult> } | null;
  databaseBound: { data: SeedOptions; connections: number; results: ScenarioResult[]; commandsPerRequest: Record<string, CommandsResult> } | null;
  /**
   * Our router under load with `--cpu-prof`: self time over all profiled scenarios, and per scenario; the
   * profile itself is kept beside the JSON (`<name>.cpuprofile`, for Chrome DevTools or speedscope).
   */
  profile: { target: 'router'; scenarios: ScenarioName[]; file: string; summary: ProfileSummary; byScenario: Partial<Record<ScenarioName, ProfileSummary>> } | null;
  /** Our router's resident memory through a soak under load (full runs): whether it levels off (see {@link measureSoak}). */
  soak: SoakResult | null;
  /** The goals as ratios in this run (null where a target or scenario was not run). */
  goals: Record<string, number | null>;
  seconds: number;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const share = (usage: ProcessUsage | undefined, requests: number): CpuShare => ({
  cores: usage ? Math.round(usage.cores * 100) / 100 : 0,
  msPerRequest: usage && requests > 0 ? Math.round((usage.cpuSeconds * 1000 * 100) / requests) / 100 : 0,
});
const perRequest = (count: number, requests: number) => (requests > 0 ? Math.round((count / requests) * 100) / 100 : 0);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);

/** How long and how hard each scenario is loaded. */
export interface LoadSettings {
  connections: number;
  /** Seconds of load before a target's first measurement of a scenario, not counted. */
  warmupSeconds: number;
  /** Seconds each target is measured per scenario, in all rounds together. */
  durationSeconds: number;
  /** The measurement is split into this many windows, the targets taking turns (see {@link measureTargets}). */
  rounds: number;
}

/** What measuring needs. */
interface Bench {
  options: BenchOptions;
  stack: BenchStack;
  database: BenchDatabase;
  load: LoadGenerator;
  log: (message: string) => void;
  /** When set, each measurement's start and end (monotonic clock, ns) are added: the windows a CPU profile is cut to. */
  windows?: Array<[bigint, bigint]>;
}

/** The commands sent since the last reset, for a target: the subgraphs', or the ceiling's own. */
async function commandsFor(bench: Bench, target: RunningTarget): Promise<{ users: CommandCounts; orders: CommandCounts }> {
  if (target.name !== 'ceiling') return bench.stack.commands(true);
  const answer = target.process.waitForMessage((message): message is { type: 'commands'; users: CommandCounts; orders: CommandCounts } => (message as { type?: string }).type === 'commands', 10_000);
  target.process.send({ type: 'commands', reset: true });
  return answer;
}

/** A result with nothing measured, for a scenario that failed. */
function failedResult(target: TargetName, scenario: ScenarioName, failed: string): ScenarioResult {
  return {
    target,
    scenario,
    failed,
    requests: 0,
    durationSeconds: 0,
    requestsPerSecond: 0,
    latencyMs: summarizeLatencies([]),
    non2xx: 0,
    graphqlErrors: 0,
    socketErrors: 0,
    timeouts: 0,
    bytesPerRequest: 0,
    cpu: { target: share(undefined, 0), users: share(undefined, 0), orders: share(undefined, 0), database: null, loadGenerator: share(undefined, 0), otherCores: 0 },
    memoryMiB: { start: 0, end: 0, peak: 0 },
    mongoCommandsPerRequest: { users: 0, orders: 0, total: 0, byCommand: {} },
    mongoCommandsOneRequest: 0,
  };
}

/**
 * Sends the scenario's first request alone, checks the whole answer and counts the database commands
 * it caused; returns what is wrong, if anything, or the count.
 */
async function checkFirstAnswer(bench: Bench, target: RunningTarget, scenarioName: ScenarioName): Promise<{ failed: string } | { commands: number }> {
  const scenario = createScenarios(benchData(bench.stack.seed))[scenarioName];
  try {
    await waitForQuiet(() => commandsFor(bench, target));
    const response =
      scenario.method === 'GET'
        ? await fetch(new URL(requestPath(target.url, scenario, 0), target.url), { headers: { 'apollo-require-preflight': 'true', authorization: bench.stack.authorization } })
        : await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: bench.stack.authorization }, body: scenario.body(0) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`status ${response.status}: ${text.slice(0, 300)}`);
    scenario.check(JSON.parse(text));
    const { users, orders } = await commandsFor(bench, target);
    if (scenario.mutation) await bench.stack.removeWrites();
    return { commands: sum(users.commands) + sum(orders.commands) };
  } catch (error) {
    return { failed: `${target.name} answered ${scenarioName} wrongly: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** One measurement window of one scenario against one target. */
interface Window {
  load: LoadResult;
  latenciesMs: number[];
  seconds: number;
  usage: { target: ProcessUsage; users: ProcessUsage; orders: ProcessUsage; database: ProcessUsage | undefined; loadGenerator: ProcessUsage };
  /** CPU seconds the machine spent on anything but the processes above. */
  otherSeconds: number;
  commands: { users: CommandCounts; orders: CommandCounts };
}

function loadJob(bench: Bench, target: RunningTarget, scenario: ScenarioName, settings: LoadSettings, durationSeconds: number): LoadJob {
  return { url: target.url, scenario, seed: bench.stack.seed, headers: { authorization: bench.stack.authorization }, connections: settings.connections, durationSeconds, timeoutSeconds: 20 };
}

/**
 * Loads one scenario against one target for one window, sampling the CPU of every process involved
 * and the target's memory, and counting the database commands; then waits for what the load left in
 * flight to drain, and removes what a write added.
 */
async function measureWindow(bench: Bench, target: RunningTarget, scenarioName: ScenarioName, settings: LoadSettings): Promise<Window> {
  const { stack, load } = bench;
  const samplers = {
    target: new ProcessSampler(target.process.pid),
    users: new ProcessSampler(stack.users.process.pid, 0),
    orders: new ProcessSampler(stack.orders.process.pid, 0),
    database: bench.database.pid === undefined ? undefined : new ProcessSampler(bench.database.pid, 0),
    loadGenerator: new ProcessSampler(load.process.pid, 0),
  };
  await commandsFor(bench, target);
  for (const sampler of Object.values(samplers)) sampler?.start();
  const windowStart = process.hrtime.bigint();
  const machineStart = machineBusySeconds();
  const { result, latenciesMs } = await load.run(loadJob(bench, target, scenarioName, settings, settings.durationSeconds / settings.rounds));
  const machineSeconds = machineBusySeconds() - machineStart;
  const windowEnd = process.hrtime.bigint();
  bench.windows?.push([windowStart, windowEnd]);
  const usage = {
    target: samplers.target.stop(),
    users: samplers.users.stop(),
    orders: samplers.orders.stop(),
    database: samplers.database?.stop(),
    loadGenerator: samplers.loadGenerator.stop(),
  };
  const commands = await commandsFor(bench, target);
  await waitForQuiet(() => commandsFor(bench, target));
  if (createScenarios(benchData(stack.seed))[scenarioName].mutation) await stack.removeWrites();
  const measured = Object.values(usage).reduce((total, u) => total + (u?.cpuSeconds ?? 0), 0);
  return { load: result, latenciesMs, seconds: Number(windowEnd - windowStart) / 1e9, usage, otherSeconds: Math.max(0, machineSeconds - measured), commands };
}

/** Adds up the windows of one scenario against one target into its result. */
function combineWindows(target: TargetName, scenario: ScenarioName, windows: readonly Window[], oneRequest: number): ScenarioResult {
  const requests = windows.reduce((total, w) => total + w.load.requests, 0);
  const seconds = windows.reduce((total, w) => total + w.seconds, 0);
  const loadSeconds = windows.reduce((total, w) => total + w.load.durationSeconds, 0);
  const cpu = (pick: (w: Window) => ProcessUsage | undefined): CpuShare | null => {
    if (windows.some((w) => !pick(w))) return null;
    const cpuSeconds = windows.reduce((total, w) => total + pick(w)!.cpuSeconds, 0);
    return { cores: Math.round((cpuSeconds / seconds) * 100) / 100, msPerRequest: requests > 0 ? Math.round((cpuSeconds * 1000 * 100) / requests) / 100 : 0 };
  };
  const totals = { users: {} as Record<string, number>, orders: {} as Record<string, number> };
  for (const w of windows) {
    for (const side of ['users', 'orders'] as const) {
      for (const [command, n] of Object.entries(w.commands[side].commands)) totals[side][command] = (totals[side][command] ?? 0) + n;
    }
  }
  const byCommand: Record<string, number> = {};
  for (const side of ['users', 'orders'] as const) for (const [command, n] of Object.entries(totals[side])) byCommand[command] = (byCommand[command] ?? 0) + n;
  const sumOf = (pick: (load: LoadResult) => number) => windows.reduce((total, w) => total + pick(w.load), 0);
  return {
    target,
    scenario,
    requests,
    durationSeconds: Math.round(loadSeconds * 10) / 10,
    requestsPerSecond: loadSeconds > 0 ? Math.round((requests / loadSeconds) * 10) / 10 : 0,
    latencyMs: summarizeLatencies(windows.flatMap((w) => w.latenciesMs)),
    non2xx: sumOf((load) => load.non2xx),
    graphqlErrors: sumOf((load) => load.graphqlErrors),
    socketErrors: sumOf((load) => load.socketErrors),
    timeouts: sumOf((load) => load.timeouts),
    bytesPerRequest: requests > 0 ? Math.round(sumOf((load) => load.bytesPerRequest * load.requests) / requests) : 0,
    cpu: {
      target: cpu((w) => w.usage.target)!,
      users: cpu((w) => w.usage.users)!,
      orders: cpu((w) => w.usage.orders)!,
      database: cpu((w) => w.usage.database),
      loadGenerator: cpu((w) => w.usage.loadGenerator)!,
      otherCores: Math.round((windows.reduce((total, w) => total + w.otherSeconds, 0) / seconds) * 100) / 100,
    },
    memoryMiB: {
      start: mib(windows[0]!.usage.target.rssStartBytes),
      end: mib(windows.at(-1)!.usage.target.rssEndBytes),
      peak: mib(Math.max(...windows.map((w) => w.usage.target.rssPeakBytes))),
    },
    mongoCommandsPerRequest: {
      users: perRequest(sum(totals.users), requests),
      orders: perRequest(sum(totals.orders), requests),
      total: perRequest(sum(totals.users) + sum(totals.orders), requests),
      byCommand: Object.fromEntries(Object.entries(byCommand).map(([command, n]) => [command, perRequest(n, requests)])),
    },
    mongoCommandsOneRequest: oneRequest,
  };
}

/**
 * Measures scenarios against targets. Every target is started first and stays up; then, scenario by
 * scenario, each target is warmed up and measured in turn, in `rounds` windows with the order of the
 * targets rotated each round. Work that competes for the machine from outside (another test run, a
 * build) thus falls on every target alike instead of on whichever ran at that moment, and the
 * `otherCores` column says how much there was.
 */
async function measureTargets(
  bench: Bench,
  names: readonly TargetName[],
  scenarios: readonly ScenarioName[],
  settings: LoadSettings,
  targetOptions: TargetOptions = {},
): Promise<{ results: ScenarioResult[]; memory: TargetMemory[] }> {
  const running: RunningTarget[] = [];
  const notStarted = new Map<TargetName, string>();
  const results: ScenarioResult[] = [];
  const firstRss = new Map<TargetName, number>();
  const lastRss = new Map<TargetName, number>();
  const peakRss = new Map<TargetName, number>();
  try {
    // Started together (nothing is measured yet), kept in the order given.
    bench.log(`starting ${names.join(', ')}`);
    const started = await Promise.allSettled(names.map((name) => startTarget(name, bench.stack, targetOptions)));
    started.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') {
        running.push(outcome.value);
      } else {
        const failed = `${names[i]} did not start: ${outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason)}`;
        bench.log(`  ${failed}`);
        notStarted.set(names[i]!, failed);
      }
    });
    for (const [index, scenario] of scenarios.entries()) {
      const failures = new Map<TargetName, string>(notStarted);
      const oneRequest = new Map<TargetName, number>();
      // A scenario only our router runs is not measured (nor reported) for the others.
      const skipped = new Set<TargetName>(createScenarios(benchData(bench.stack.seed))[scenario].ourRouterOnly ? names.filter((name) => name !== 'router' && name !== 'router-plain') : []);
      for (const target of running) {
        if (skipped.has(target.name)) continue;
        const checked = await checkFirstAnswer(bench, target, scenario);
        if ('failed' in checked) {
          bench.log(`  ${checked.failed}`);
          failures.set(target.name, checked.failed);
        } else {
          oneRequest.set(target.name, checked.commands);
        }
      }
      const live = running.filter((target) => !failures.has(target.name) && !skipped.has(target.name));
      const windows = new Map<TargetName, Window[]>(live.map((target) => [target.name, []]));
      for (let round = 0; round < settings.rounds; round++) {
        const shift = live.length > 0 ? (round + index) % live.length : 0;
        for (const target of [...live.slice(shift), ...live.slice(0, shift)]) {
          if (round === 0 && settings.warmupSeconds > 0) await bench.load.run(loadJob(bench, target, scenario, settings, settings.warmupSeconds));
          const window = await measureWindow(bench, target, scenario, settings);
          windows.get(target.name)!.push(window);
          if (!firstRss.has(target.name)) firstRss.set(target.name, window.usage.target.rssStartBytes);
          lastRss.set(target.name, window.usage.target.rssEndBytes);
          peakRss.set(target.name, Math.max(peakRss.get(target.name) ?? 0, window.usage.target.rssPeakBytes));
        }
      }
      for (const name of names) {
        if (skipped.has(name)) continue;
        const failed = failures.get(name);
        if (failed) {
          results.push(failedResult(name, scenario, failed));
          continue;
        }
        const result = combineWindows(name, scenario, windows.get(name)!, oneRequest.get(name) ?? 0);
        bench.log(
          `  ${name} ${scenario}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
            `errors ${result.non2xx + result.graphqlErrors + result.socketErrors + result.timeouts}, target CPU ${result.cpu.target.msPerRequest} ms/req, other cores ${result.cpu.otherCores}`,
        );
        results.push(result);
      }
    }
  } finally {
    for (const target of running) {
      await target.process.stop();
      if (target.process.stderr.trim()) bench.log(`  ${target.name} wrote to stderr (last lines):\n${target.process.stderr.trim().split('\n').slice(-3).join('\n')}`);
    }
  }
  const memory = running
    .filter((target) => firstRss.has(target.name))
    .map((target) => ({ target: target.name, firstMiB: mib(firstRss.get(target.name)!), lastMiB: mib(lastRss.get(target.name)!), peakMiB: mib(peakRss.get(target.name)!) }));
  return { results, memory };
}

/** A target's resident memory over the run: at the start of its first measurement, at the end of its last, and the peak. */
export interface TargetMemory {
  target: TargetName;
  firstMiB: number;
  lastMiB: number;
  peakMiB: number;
}

/** The goals, as ratios of this run's numbers. */
function goalRatios(report: Pick<BenchReport, 'results' | 'core' | 'databaseBound' | 'memory' | 'soak'>): Record<string, number | null> {
  const rps = (target: TargetName, scenario: ScenarioName) => report.results.find((r) => r.target === target && r.scenario === scenario && !r.failed)?.requestsPerSecond;
  const cpu = (target: TargetName, scenario: ScenarioName) => report.results.find((r) => r.target === target && r.scenario === scenario && !r.failed)?.cpu.target.msPerRequest;
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? Math.round((a / b) * 100) / 100 : null);
  const routerMemory = report.memory.find((m) => m.target === 'router');
  // The demo data set has 500 users and more; the bench data set fewer.
  const commands = report.databaseBound?.commandsPerRequest.users500 ? report.databaseBound.commandsPerRequest : report.core?.commandsPerRequest;
  // The largest single page (users500 where the data holds it), not users500pages: the goal is that one
  // page of 500 costs what one of 10 does.
  const largest = commands ? Object.entries(commands).filter(([name]) => /^users\d+$/.test(name)).at(-1) : undefined;
  return {
    'distinctMix req/s: router / apollo-gateway (goal >= 2)': ratio(rps('router', 'distinctMix'), rps('apollo-gateway', 'distinctMix')),
    'distinctMix req/s: router / hive-nodedup (goal > 1)': ratio(rps('router', 'distinctMix'), rps('hive-nodedup', 'distinctMix')),
    'userWithOrders req/s: router / hive (goal > 1)': ratio(rps('router', 'userWithOrders'), rps('hive', 'userWithOrders')),
    'userWithOrders req/s: router / hive-dedup-all (goal > 1)': ratio(rps('router', 'userWithOrders'), rps('hive-dedup-all', 'userWithOrders')),
    'distinctMix router CPU per request: apollo-gateway / router (>= 2 means twice as efficient)': ratio(cpu('apollo-gateway', 'distinctMix'), cpu('router', 'distinctMix')),
    'distinctMix router CPU per request: hive-nodedup / router': ratio(cpu('hive-nodedup', 'distinctMix'), cpu('router', 'distinctMix')),
    'userWithOrders req/s: router / router-plain (what deduplication buys)': ratio(rps('router', 'userWithOrders'), rps('router-plain', 'userWithOrders')),
    'publicUsers req/s: router / router-plain (what the response cache buys)': ratio(rps('router', 'publicUsers'), rps('router-plain', 'publicUsers')),
    'publicUsers req/s: router / apollo-gateway': ratio(rps('router', 'publicUsers'), rps('apollo-gateway', 'publicUsers')),
    'publicUsers req/s: router / hive-dedup-all': ratio(rps('router', 'publicUsers'), rps('hive-dedup-all', 'publicUsers')),
    [`batching: commands for ${largest?.[0].replace('users', '') ?? 'the most'} users / for 10 (goal 1)`]: ratio(largest && largest[1].users + largest[1].orders, commands?.users10 && commands.users10.users + commands.users10.orders),
    // The slower single call: the orders call alone costs FerretDB a collection scan the users call does
    // not, and no plan can answer faster than the slower of the two calls it needs.
    'parallelism: user+orders / the slower single call (goal <= 1.15)': report.core?.parallelism.parallelOverSlowerSingleCall ?? null,
    'parallelism: user+orders / the users call alone': report.core?.parallelism.parallelOverUsersCall ?? null,
    // The soak's ratio when there was one: its first third (start-up, caches filling) is left out, where
    // the main run's first measurement begins on a router that has not yet answered anything.
    ...(report.soak
      ? {
          'router memory in the soak: lowest heap left after a full collection, last third / middle (goal <= 1.05)': report.soak.summary.liveFlatness,
          'router memory in the soak: median resident set, last third / middle': report.soak.summary.flatness,
        }
      : { 'router memory: RSS after its last measurement / before its first (goal ~1)': ratio(routerMemory?.lastMiB, routerMemory?.firstMiB) }),
  };
}

/**
 * The whole benchmark (see docs/performance.md): a database with the bench data set, both subgraphs,
 * the load generator, then every target through every scenario (see {@link measureTargets}); in a full
 * run also a memory soak of our router (see {@link measureSoak}), a CPU profile of it under load and the
 * demo data set against it (database-bound).
 */
export async function runBenchmark(options: BenchOptions, log: (message: string) => void): Promise<BenchReport> {
  const started = performance.now();
  const loadAverageAtStart = Math.round(loadavg()[0]! * 100) / 100;
  const settings: LoadSettings = { connections: options.connections, warmupSeconds: options.warmupSeconds, durationSeconds: options.durationSeconds, rounds: options.rounds };
  log(
    `${options.mode} run: ${options.targets.join(', ')} × ${options.scenarios.join(', ')}; ${options.data.users} users, ${options.data.orders} orders; ` +
      `${settings.connections} connections, ${settings.warmupSeconds} s warm-up, ${settings.durationSeconds} s each in ${settings.rounds} round(s)`,
  );
  const database = await startBenchDatabase(log);
  const cleanups: Array<() => Promise<unknown>> = [() => database.stop()];
  try {
    const stack = await BenchStack.start(database, options.data, 'main');
    cleanups.unshift(() => stack.stop());
    const load = await LoadGenerator.start();
    cleanups.unshift(() => load.stop());
    const bench: Bench = { options, stack, database, load, log };

    let core: BenchReport['core'] = null;
    if (options.core) {
      log('parallelism: our router with 50 ms injected per subgraph call');
      const parallelism = await measureParallelism(stack, { delayMs: 50, runs: options.mode === 'quick' ? 3 : 15 });
      log(`commands per request: our router with MAX_PAGE_SIZE ${benchMaxPageSize}, one request at a time`);
      core = { parallelism, commandsPerRequest: await measureCommands(stack) };
    }

    const { results, memory } = await measureTargets(bench, options.targets, options.scenarios, settings);

    // Before the profile: a router under --cpu-prof keeps its samples in memory, which would read as growth.
    let soak: BenchReport['soak'] = null;
    if (options.soakSeconds > 0) {
      // The reads that reach most of the router's caches (plans, the response cache, the token cache).
      const candidates: readonly ScenarioName[] = ['distinctMix', 'userWithOrders', 'usersWithOrders', 'publicUsers'];
      const scenarios = candidates.filter((scenario) => options.scenarios.includes(scenario));
      if (scenarios.length > 0) soak = await measureSoak(bench, { seconds: options.soakSeconds, scenarios, settings });
      else log(`soak: skipped, none of ${candidates.join(', ')} is among the scenarios`);
    }

    let profile: BenchReport['profile'] = null;
    if (options.profile) {
      const profileDir = mkdtempSync(join(tmpdir(), 'fedstack-bench-profile-'));
      cleanups.push(async () => rmSync(profileDir, { recursive: true, force: true }));
      // Two database-bound reads and the write, where the router's own share of the machine is largest.
      const scenarios = (['distinctMix', 'usersWithOrders', 'placeOrder'] as const).filter((scenario) => options.scenarios.includes(scenario));
      log(`profile: our router with --cpu-prof under ${scenarios.join(', ')}`);
      const windows: Array<[bigint, bigint]> = [];
      await measureTargets({ ...bench, windows }, ['router'], scenarios, { ...settings, rounds: 1 }, { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
      const written = readdirSync(profileDir).find((entry) => entry.endsWith('.cpuprofile'));
      if (!written) throw new Error(`The router wrote no CPU profile into ${profileDir}: did it exit gracefully on SIGTERM?`);
      const file = resolve(repoRoot, options.resultsDir, `${options.name}.cpuprofile`);
      mkdirSync(dirname(file), { recursive: true });
      copyFileSync(join(profileDir, written), file);
      // Only the measured load: not the start-up (module loading), the warm-up or the drain.
      const byScenario = Object.fromEntries(scenarios.map((scenario, i) => [scenario, summarizeProfile(file, { windows: [windows[i]!], top: 15 })]));
      profile = { target: 'router', scenarios, file: relative(repoRoot, file), summary: summarizeProfile(file, { windows }), byScenario };
    }

    let databaseBound: BenchReport['databaseBound'] = null;
    if (options.databaseBound) {
      log(`database-bound: the demo data set (${demoDataSet.users} users, ${demoDataSet.orders} orders) against our router`);
      const demo = await BenchStack.start(database, demoDataSet, 'demo');
      cleanups.unshift(() => demo.stop());
      const demoBench: Bench = { ...bench, stack: demo };
      // Few connections: a request takes seconds here, and more in flight would only queue in FerretDB
      // until the router's subgraph timeout (SUBGRAPH_TIMEOUT_MS) gives up on them.
      const demoSettings: LoadSettings = { connections: 2, warmupSeconds: 0, durationSeconds: Math.max(options.durationSeconds, 15), rounds: 1 };
      const { results: demoResults } = await measureTargets(demoBench, ['router'], ['userWithOrders', 'usersWithOrders'], demoSettings);
      const demoCommands = await measureCommands(demo);
      databaseBound = { data: demoDataSet, connections: demoSettings.connections, results: demoResults, commandsPerRequest: demoCommands };
    }

    const report: BenchReport = {
      name: options.name,
      date: new Date().toISOString(),
      mode: options.mode,
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverageAtStart,
      },
      database: database.kind,
      data: options.data,
      settings,
      targets: options.targets.map((name) => ({ name, title: targetTitles[name] })),
      results,
      memory,
      core,
      databaseBound,
      profile,
      soak,
      goals: {},
      seconds: 0,
    };
    report.goals = goalRatios(report);
    report.seconds = Math.round((performance.now() - started) / 1000);
    return report;
  } finally {
    for (const cleanup of cleanups) {
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
