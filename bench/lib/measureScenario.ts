/**
 * One scenario on one target: its first answer checked, its load windows measured (throughput,
 * latency, CPU of every process, database commands), and the windows combined into one result.
 */
import { waitForQuiet, type BenchDatabase, type BenchStack, type CommandCounts } from './BenchStack';
import { summarizeLatencies, type LoadGenerator, type LoadJob, type LoadResult } from './LoadGenerator';
import type { BenchOptions } from './parseOptions';
import { machineBusySeconds, ProcessSampler, type ProcessUsage } from './procStats';
import { benchData, createScenarios, requestPath, type ScenarioName } from './scenarios';
import type { RunningTarget, TargetName } from './startTarget';
import type { CpuShare, ScenarioResult } from './runBenchmark';

/** Bytes as MiB, one decimal. */
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
/** A process's CPU during a window: cores busy, and milliseconds per answered request. */
export const share = (usage: ProcessUsage | undefined, requests: number): CpuShare => ({
  cores: usage ? Math.round(usage.cores * 100) / 100 : 0,
  msPerRequest: usage && requests > 0 ? Math.round((usage.cpuSeconds * 1000 * 100) / requests) / 100 : 0,
});
/** A count per answered request, two decimals. */
export const perRequest = (count: number, requests: number) => (requests > 0 ? Math.round((count / requests) * 100) / 100 : 0);
/** The sum of a count per name. */
export const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);

/** How long and how hard each scenario is loaded. */
export interface LoadSettings {
  connections: number;
  /** Seconds of load before a target's first measurement of a scenario, not counted. */
  warmupSeconds: number;
  /** Seconds each target is measured per scenario, in all rounds together. */
  durationSeconds: number;
  /** The measurement is split into this many windows, the targets taking turns (see measureTargets in runBenchmark.ts). */
  rounds: number;
}

/** What measuring needs. */
export interface Bench {
  options: BenchOptions;
  stack: BenchStack;
  database: BenchDatabase;
  load: LoadGenerator;
  log: (message: string) => void;
  /** When set, each measurement's start and end (monotonic clock, ns) are added: the windows a CPU profile is cut to. */
  windows?: Array<[bigint, bigint]>;
}

/** The commands sent since the last reset, for a target: the subgraphs', or the ceiling's own. */
export async function commandsFor(bench: Bench, target: RunningTarget): Promise<{ users: CommandCounts; orders: CommandCounts }> {
  if (target.name !== 'ceiling') return bench.stack.commands(true);
  const answer = target.process.waitForMessage((message): message is { type: 'commands'; users: CommandCounts; orders: CommandCounts } => (message as { type?: string }).type === 'commands', 10_000);
  target.process.send({ type: 'commands', reset: true });
  return answer;
}

/** A result with nothing measured, for a scenario that failed. */
export function failedResult(target: TargetName, scenario: ScenarioName, failed: string): ScenarioResult {
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
export async function checkFirstAnswer(bench: Bench, target: RunningTarget, scenarioName: ScenarioName): Promise<{ failed: string } | { commands: number }> {
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
export interface Window {
  load: LoadResult;
  latenciesMs: number[];
  seconds: number;
  usage: { target: ProcessUsage; users: ProcessUsage; orders: ProcessUsage; database: ProcessUsage | undefined; loadGenerator: ProcessUsage };
  /** CPU seconds the machine spent on anything but the processes above. */
  otherSeconds: number;
  commands: { users: CommandCounts; orders: CommandCounts };
}

export function loadJob(bench: Bench, target: RunningTarget, scenario: ScenarioName, settings: LoadSettings, durationSeconds: number): LoadJob {
  return { url: target.url, scenario, seed: bench.stack.seed, headers: { authorization: bench.stack.authorization }, connections: settings.connections, durationSeconds, timeoutSeconds: 20 };
}

/**
 * Loads one scenario against one target for one window, sampling the CPU of every process involved
 * and the target's memory, and counting the database commands; then waits for what the load left in
 * flight to drain, and removes what a write added.
 */
export async function measureWindow(bench: Bench, target: RunningTarget, scenarioName: ScenarioName, settings: LoadSettings): Promise<Window> {
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
export function combineWindows(target: TargetName, scenario: ScenarioName, windows: readonly Window[], oneRequest: number): ScenarioResult {
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
