import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { demoDataSet, repoRoot, type SeedOptions } from '@fedstack/devkit';
import { measureCommands, measureParallelism, type CommandsResult, type ParallelismResult } from '../core';
import { benchMaxPageSize, BenchStack, startBenchDatabase } from './BenchStack';
import { LoadGenerator, type LoadResult } from './LoadGenerator';
import { measureSoak, type SoakResult } from './measureSoak';
import type { BenchOptions } from './parseOptions';
import { createScenarios, benchData, type ScenarioName } from './scenarios';
import { summarizeProfile, type ProfileSummary } from './summarizeProfile';
import { goalRatios } from './goalRatios';
import { checkFirstAnswer, combineWindows, failedResult, loadJob, measureWindow, mib, type Bench, type LoadSettings, type Window } from './measureScenario';
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
