import type { BenchStack } from './BenchStack';
import type { LoadGenerator, LoadResult } from './LoadGenerator';
import { memory, processTree } from './procStats';
import { median } from './median';
import type { LoadSettings } from './measureScenario';
import { benchData, createScenarios, type ScenarioName } from './scenarios';
import { startTarget } from './startTarget';

/** What a soak needs of the bench: the stack to start our router against, the load generator, a log. */
export interface SoakBench {
  stack: BenchStack;
  load: LoadGenerator;
  log: (message: string) => void;
}

/** How long and under what a soak runs. */
export interface SoakOptions {
  /** Seconds of load in all, give or take the pauses between windows. */
  seconds: number;
  /** Scenarios taken in turn, one window each; writes are left out (see {@link measureSoak}). */
  scenarios: readonly ScenarioName[];
  /** The load's connections (the main measurement's, so the soak sees the same concurrency). */
  settings: Pick<LoadSettings, 'connections'>;
}

/** Our router's memory over a long run under load: whether it levels off or keeps growing. */
export interface SoakResult {
  /** Seconds of load, as run. */
  seconds: number;
  /** The scenarios loaded, in turn, each third of the run taking every one alike. */
  scenarios: ScenarioName[];
  /** Seconds of each window of one scenario. */
  windowSeconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  /** Non-2xx answers, GraphQL errors, socket errors and timeouts, together. */
  errors: number;
  /** The router's resident set (its process tree), once a second from the start of the load. */
  samples: Array<{ atSeconds: number; rssMiB: number }>;
  /**
   * Every full (mark-compact) collection V8 reported (`--trace-gc`): when, and the heap in use before and
   * after it. What is left after one is what the router keeps alive: its caches, pools and code.
   */
  fullCollections: Array<{ atSeconds: number; beforeMiB: number; afterMiB: number }>;
  summary: {
    /** The resident set at 10, 25, 50, 75 and 100% of the run (the sample nearest that time). */
    rssAt: Array<{ percent: number; atSeconds: number; rssMiB: number }>;
    peakMiB: number;
    /**
     * Median resident set over the last third / over the middle third. The first third is left out: it
     * holds the start-up, the JIT and the caches filling, which a bounded cache does too. The resident set
     * follows V8's pacing: with room to spare (Node 20 allows 4 GiB of heap here) V8 lets garbage pile
     * up to a few hundred MiB between full collections, so this ratio swings with where those fall.
     */
    flatness: number;
    /** The lowest heap left after a full collection, per third of the run. */
    liveMiBByThird: number[];
    /**
     * Lowest heap left after a full collection in the last third / in the middle third: 1 when what the
     * router keeps has levelled off, above 1 when it still grows (a cache without a bound). Garbage does
     * not count here, so this is the ratio for the goal. The lowest, not the median: what is left after a
     * collection also holds the requests in flight at that moment, more during a scenario with large
     * answers (80 against 105 MiB over a 300 s soak), and which scenario a collection lands in is chance;
     * the lows are the collections that landed between large requests.
     */
    liveFlatness: number;
  };
}

/** Seconds of each load window, roughly: short, so every scenario comes round several times in a soak. */
const targetWindowSeconds = 5;
const sampleIntervalMs = 1000;

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const secondsSince = (start: number) => Math.round((performance.now() - start) / 100) / 10;

/** `--trace-gc`'s line for a full collection: `[pid:0x…]   12345 ms: Mark-Compact 390.0 (419.7) -> 97.1 (362.4) MB, …`. */
const fullCollectionLine = /\s([\d.]+) ms: Mark-Compact(?: \(reduce\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

/** The full collections in `--trace-gc` lines, timed from `offsetMs` after the process started. */
export function parseFullCollections(lines: readonly string[], offsetMs: number): SoakResult['fullCollections'] {
  return lines.flatMap((line) => {
    const match = fullCollectionLine.exec(line);
    if (!match) return [];
    return [{ atSeconds: Math.round((Number(match[1]) - offsetMs) / 100) / 10, beforeMiB: Number(match[2]), afterMiB: Number(match[3]) }];
  });
}

/**
 * The summary of a soak: `samples` in time order from 0, `thirds` the four times that bound the run's
 * thirds (where the windows of each third began, so that a third's samples are those of its own windows
 * even when the gaps between windows add up).
 */
export function summarizeSoak(samples: SoakResult['samples'], collections: SoakResult['fullCollections'], thirds: readonly number[]): SoakResult['summary'] {
  const seconds = thirds.at(-1) ?? 0;
  const rssAt = [10, 25, 50, 75, 100].map((percent) => {
    const at = (percent / 100) * seconds;
    const sample = samples.reduce<(typeof samples)[number] | undefined>((best, s) => (!best || Math.abs(s.atSeconds - at) < Math.abs(best.atSeconds - at) ? s : best), undefined);
    return { percent, atSeconds: sample?.atSeconds ?? 0, rssMiB: sample?.rssMiB ?? 0 };
  });
  const within = <T extends { atSeconds: number }>(list: readonly T[], third: number) => list.filter((s) => s.atSeconds > thirds[third]! && s.atSeconds <= thirds[third + 1]!);
  const ratio = (last: number, middle: number) => (middle > 0 ? Math.round((last / middle) * 1000) / 1000 : 0);
  const liveMiBByThird = [0, 1, 2].map((third) => {
    const after = within(collections, third).map((c) => c.afterMiB);
    return after.length > 0 ? Math.min(...after) : 0;
  });
  return {
    rssAt,
    peakMiB: samples.reduce((peak, s) => Math.max(peak, s.rssMiB), 0),
    flatness: ratio(median(within(samples, 2).map((s) => s.rssMiB)), median(within(samples, 1).map((s) => s.rssMiB))),
    liveMiBByThird,
    liveFlatness: ratio(liveMiBByThird[2]!, liveMiBByThird[1]!),
  };
}

/**
 * A memory soak of our router (issue 6): starts it afresh under `--trace-gc`, loads it for `seconds` in
 * back-to-back windows of about 5 s, the scenarios taking turns, samples its resident set every second
 * and keeps V8's report of every full collection. A cache without a bound shows as a heap that keeps
 * growing after full collections; a bounded one as a step in the first third and a plateau after, hence
 * the ratio of the last third over the middle one.
 *
 * Scenarios differ in what they keep alive (a page of users with their orders more than one user), so
 * the windows are cut to give every third of the run the same whole number of turns through the
 * scenarios: the thirds then differ only by time, and their ratio shows growth, not which scenario ran
 * last.
 *
 * Writes (`placeOrder`) are left out: removing them needs the load stopped and the database quiet,
 * a gap in the load the soak is meant not to have, and the response cache never stores them anyway.
 * Between windows the load pauses only while the window's last requests finish (well under a second).
 *
 *   const soak = await measureSoak(bench, { seconds: 100, scenarios: ['distinctMix', 'userWithOrders'], settings });
 *   soak.summary.liveFlatness; // ≈ 1 when what the router keeps has levelled off
 */
export async function measureSoak(bench: SoakBench, { seconds, scenarios, settings }: SoakOptions): Promise<SoakResult> {
  const definitions = createScenarios(benchData(bench.stack.seed));
  const reads = scenarios.filter((scenario) => !definitions[scenario].mutation);
  if (reads.length === 0) throw new Error(`measureSoak needs at least one scenario that does not write, but got: ${JSON.stringify(scenarios)}`);
  if (!(seconds > 0)) throw new Error(`measureSoak needs a positive number of seconds, but got: ${seconds}`);

  const turnsPerThird = Math.max(1, Math.round(seconds / 3 / (reads.length * targetWindowSeconds)));
  const windowSeconds = seconds / 3 / (turnsPerThird * reads.length);
  bench.log(`soak: our router for ${seconds} s under ${reads.join(', ')} in turn, ${Math.round(windowSeconds * 100) / 100} s each, RSS every second, full collections traced`);
  const spawnedAt = performance.now();
  const router = await startTarget('router', bench.stack, { nodeFlags: ['--trace-gc'], keepStdout: /Mark-Compact/ });
  const samples: SoakResult['samples'] = [];
  const windows: LoadResult[] = [];
  const thirds = [0];
  let timer: NodeJS.Timeout | undefined;
  let started = 0;
  try {
    // One process (ROUTER_WORKERS=1), but measured as a tree like every target, listed once.
    const tree = processTree(router.process.pid);
    started = performance.now();
    const sample = () => samples.push({ atSeconds: secondsSince(started), rssMiB: mib(memory(router.process.pid, tree).rssBytes) });
    sample();
    timer = setInterval(sample, sampleIntervalMs);
    const windowsPerThird = turnsPerThird * reads.length;
    for (let i = 0; i < 3 * windowsPerThird; i++) {
      if (i > 0 && i % windowsPerThird === 0) thirds.push(secondsSince(started));
      const scenario = reads[i % reads.length]!;
      const { result } = await bench.load.run({
        url: router.url,
        scenario,
        seed: bench.stack.seed,
        headers: { authorization: bench.stack.authorization },
        connections: settings.connections,
        durationSeconds: windowSeconds,
        timeoutSeconds: 20,
      });
      windows.push(result);
    }
    clearInterval(timer);
    sample();
    thirds.push(samples.at(-1)!.atSeconds);
  } finally {
    clearInterval(timer);
    await router.process.stop();
    if (router.process.stderr.trim()) bench.log(`  router wrote to stderr (last lines):\n${router.process.stderr.trim().split('\n').slice(-3).join('\n')}`);
  }
  // V8 times its trace from the process's start, a little after it was spawned: close enough at 1 s.
  const fullCollections = parseFullCollections(router.process.stdoutLines, started - spawnedAt).filter((c) => c.atSeconds >= 0);

  const ran = samples.at(-1)!.atSeconds;
  const requests = windows.reduce((total, w) => total + w.requests, 0);
  const result: SoakResult = {
    seconds: ran,
    scenarios: reads,
    windowSeconds: Math.round(windowSeconds * 100) / 100,
    connections: settings.connections,
    requests,
    requestsPerSecond: ran > 0 ? Math.round((requests / ran) * 10) / 10 : 0,
    errors: windows.reduce((total, w) => total + w.non2xx + w.graphqlErrors + w.socketErrors + w.timeouts, 0),
    samples,
    fullCollections,
    summary: summarizeSoak(samples, fullCollections, thirds),
  };
  const s = result.summary;
  bench.log(
    `  soak: ${result.requestsPerSecond} req/s, errors ${result.errors}; RSS ${s.rssAt.map((r) => `${r.rssMiB}`).join(' → ')} MiB, peak ${s.peakMiB} MiB, ` +
      `last third / middle ${s.flatness}; lowest heap after a full collection by third ${s.liveMiBByThird.join(' / ')} MiB, last / middle ${s.liveFlatness}`,
  );
  return result;
}
