import type { BenchStack } from './BenchStack';
import type { LoadGenerator, LoadResult } from './LoadGenerator';
import { memory, processTree } from './procStats';
import type { LoadSettings } from './runBenchmark';
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

/** Our router's resident memory over a long run under load: whether it levels off or keeps growing. */
export interface SoakResult {
  /** Seconds of load, as run. */
  seconds: number;
  /** The scenarios loaded, in turn, each quarter of the run taking every one alike. */
  scenarios: ScenarioName[];
  /** Seconds of each window of one scenario. */
  windowSeconds: number;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  /** Non-2xx answers, GraphQL errors, socket errors and timeouts, together. */
  errors: number;
  /**
   * The router's resident set (its process tree), once a second from the start of the load, and the V8
   * heap in use as its `/metrics` says (`nodejs_heap_size_used_bytes`), when the scrape answered.
   */
  samples: Array<{ atSeconds: number; rssMiB: number; heapUsedMiB?: number }>;
  summary: {
    /** The resident set at 10, 25, 50, 75 and 100% of the run (the sample nearest that time). */
    rssAt: Array<{ percent: number; atSeconds: number; rssMiB: number }>;
    peakMiB: number;
    /**
     * Median RSS over the last quarter of the run / median over the second quarter: 1 when memory has
     * levelled off, above 1 when it still grows (a cache without a bound). The first quarter is left out:
     * it holds the start-up, the JIT and the caches filling, which a bounded cache does too.
     */
    flatness: number;
    /** The V8 heap in use at 10, 25, 50, 75 and 100% of the run, like `rssAt`. */
    heapAt: Array<{ percent: number; atSeconds: number; heapUsedMiB: number }>;
    /**
     * The lowest V8 heap in use over the last quarter / the lowest over the second. The heap in use
     * swings between collections; its lows are what survives a collection (what the router keeps), so a
     * cache without a bound raises them, whatever the garbage between collections does.
     */
    heapFlatness: number;
  };
}

/** Seconds of each load window, roughly: short, so every scenario comes round several times in a soak. */
const targetWindowSeconds = 5;
const sampleIntervalMs = 1000;

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const secondsSince = (start: number) => Math.round((performance.now() - start) / 100) / 10;

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The summary of a soak's samples (in time order, the first at 0). `quarters` holds the five times that
 * bound the run's quarters, from 0 to the end: where the windows of each quarter began, so that a
 * quarter's samples are those of its own windows even when the gaps between windows add up.
 */
export function summarizeSoak(samples: SoakResult['samples'], quarters: readonly number[]): SoakResult['summary'] {
  const seconds = quarters.at(-1) ?? 0;
  const nearest = (list: SoakResult['samples'], percent: number) => {
    const at = (percent / 100) * seconds;
    return list.reduce<(typeof list)[number] | undefined>((best, s) => (!best || Math.abs(s.atSeconds - at) < Math.abs(best.atSeconds - at) ? s : best), undefined);
  };
  const withHeap = samples.filter((s) => s.heapUsedMiB !== undefined);
  const percents = [10, 25, 50, 75, 100];
  const rssAt = percents.map((percent) => {
    const sample = nearest(samples, percent);
    return { percent, atSeconds: sample?.atSeconds ?? 0, rssMiB: sample?.rssMiB ?? 0 };
  });
  const heapAt = percents.map((percent) => {
    const sample = nearest(withHeap, percent);
    return { percent, atSeconds: sample?.atSeconds ?? 0, heapUsedMiB: sample?.heapUsedMiB ?? 0 };
  });
  const within = (list: SoakResult['samples'], quarter: number) => list.filter((s) => s.atSeconds > quarters[quarter]! && s.atSeconds <= quarters[quarter + 1]!);
  const ratio = (pick: (s: SoakResult['samples'][number]) => number, list: SoakResult['samples'], of: (values: number[]) => number) => {
    const second = of(within(list, 1).map(pick));
    const last = of(within(list, 3).map(pick));
    return second > 0 ? Math.round((last / second) * 1000) / 1000 : 0;
  };
  const lowest = (values: number[]) => (values.length > 0 ? Math.min(...values) : 0);
  return {
    rssAt,
    peakMiB: samples.reduce((peak, s) => Math.max(peak, s.rssMiB), 0),
    flatness: ratio((s) => s.rssMiB, samples, median),
    heapAt,
    heapFlatness: ratio((s) => s.heapUsedMiB ?? 0, withHeap, lowest),
  };
}

/** The V8 heap in use, in MiB, from a service's Prometheus metrics; undefined when they do not answer. */
async function heapUsedMiB(metricsUrl: string): Promise<number | undefined> {
  try {
    const text = await (await fetch(metricsUrl, { signal: AbortSignal.timeout(900) })).text();
    const bytes = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(text)?.[1];
    return bytes === undefined ? undefined : mib(Number(bytes));
  } catch {
    return undefined;
  }
}

/**
 * A memory soak of our router (issue 6): starts it afresh, loads it for `seconds` in back-to-back
 * windows of about 5 s, the scenarios taking turns, and samples its resident set every second. A cache
 * without a bound shows as a line that keeps climbing; a bounded one as a step in the first quarter and
 * a plateau after, hence the flatness ratio of the last quarter over the second.
 *
 * Scenarios differ in what they keep alive (a page of users with their orders more than one user), so
 * the windows are cut to give every quarter of the run the same whole number of turns through the
 * scenarios: the quarters then differ only by time, and their ratio shows growth, not which scenario
 * ran last.
 *
 * Writes (`placeOrder`) are left out: removing them needs the load stopped and the database quiet,
 * a gap in the load the soak is meant not to have, and the response cache never stores them anyway.
 * Between windows the load pauses only while the window's last requests finish (well under a second).
 *
 *   const soak = await measureSoak(bench, { seconds: 60, scenarios: ['distinctMix', 'userWithOrders'], settings });
 *   soak.summary.flatness; // ≈ 1 when memory levels off
 */
export async function measureSoak(bench: SoakBench, { seconds, scenarios, settings }: SoakOptions): Promise<SoakResult> {
  const definitions = createScenarios(benchData(bench.stack.seed));
  const reads = scenarios.filter((scenario) => !definitions[scenario].mutation);
  if (reads.length === 0) throw new Error(`measureSoak needs at least one scenario that does not write, but got: ${JSON.stringify(scenarios)}`);
  if (!(seconds > 0)) throw new Error(`measureSoak needs a positive number of seconds, but got: ${seconds}`);

  const turnsPerQuarter = Math.max(1, Math.round(seconds / 4 / (reads.length * targetWindowSeconds)));
  const windowSeconds = seconds / 4 / (turnsPerQuarter * reads.length);
  bench.log(`soak: our router for ${seconds} s under ${reads.join(', ')} in turn, ${Math.round(windowSeconds * 100) / 100} s each, RSS every second`);
  const router = await startTarget('router', bench.stack);
  const samples: SoakResult['samples'] = [];
  const windows: LoadResult[] = [];
  const quarters = [0];
  let timer: NodeJS.Timeout | undefined;
  try {
    // One process (ROUTER_WORKERS=1), but measured as a tree like every target, listed once.
    const tree = processTree(router.process.pid);
    const started = performance.now();
    const metricsUrl = router.url.replace(/\/graphql$/, '/metrics');
    const sample = () => {
      const entry: SoakResult['samples'][number] = { atSeconds: secondsSince(started), rssMiB: mib(memory(router.process.pid, tree).rssBytes) };
      samples.push(entry);
      void heapUsedMiB(metricsUrl).then((heap) => {
        if (heap !== undefined) entry.heapUsedMiB = heap;
      });
    };
    sample();
    timer = setInterval(sample, sampleIntervalMs);
    const windowsPerQuarter = turnsPerQuarter * reads.length;
    for (let i = 0; i < 4 * windowsPerQuarter; i++) {
      if (i > 0 && i % windowsPerQuarter === 0) quarters.push(secondsSince(started));
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
    quarters.push(samples.at(-1)!.atSeconds);
  } finally {
    clearInterval(timer);
    await router.process.stop();
    if (router.process.stderr.trim()) bench.log(`  router wrote to stderr (last lines):\n${router.process.stderr.trim().split('\n').slice(-3).join('\n')}`);
  }

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
    summary: summarizeSoak(samples, quarters),
  };
  const s = result.summary;
  bench.log(
    `  soak: ${result.requestsPerSecond} req/s, errors ${result.errors}; RSS ${s.rssAt.map((r) => `${r.rssMiB}`).join(' → ')} MiB, ` +
      `peak ${s.peakMiB} MiB, last quarter / second ${s.flatness}; heap in use ${s.heapAt.map((h) => `${h.heapUsedMiB}`).join(' → ')} MiB, lowest in the last quarter / in the second ${s.heapFlatness}`,
  );
  return result;
}
