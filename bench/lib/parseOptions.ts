import { parseArgs } from 'node:util';
import type { SeedOptions } from '@fedstack/devkit';
import { scenarioNames, type ScenarioName } from './scenarios';
import { targetNames, type TargetName } from './startTarget';

/** What one `npm run bench` does. */
export interface BenchOptions {
  /** `quick` (under 2 minutes) or `full` (under 10). */
  mode: 'quick' | 'full';
  /** The result file's name: `bench/results/<name>.json`. Defaults to the mode. */
  name: string;
  /** Where the result file goes. Defaults to `bench/results`. */
  resultsDir: string;
  targets: TargetName[];
  scenarios: ScenarioName[];
  /** The data set the targets are compared on. */
  data: SeedOptions;
  /** Concurrent connections of the load generator. Defaults to 50. */
  connections: number;
  /** Seconds of load before each measurement (JIT, caches, connections), not counted. */
  warmupSeconds: number;
  /** Seconds each target is measured per scenario, split over `rounds` windows. */
  durationSeconds: number;
  /** Windows per scenario and target; the targets take turns, so outside work falls on all alike. */
  rounds: number;
  /** Parallelism and commands per request (bench/core.ts). */
  core: boolean;
  /** The demo data set (1,000 users, 10,000 orders) against our router: the database-bound numbers. */
  databaseBound: boolean;
  /** A CPU profile of our router under load, summarised. */
  profile: boolean;
  /** Seconds of sustained load on our router alone, its memory sampled every second (0: none). */
  soakSeconds: number;
  /** The bench stops itself (and everything it started) after this many seconds. */
  deadlineSeconds: number;
}

const usage = `npm run bench -- [--quick] [--name NAME] [--targets a,b] [--scenarios a,b] [--users N --orders N]
  [--connections N] [--warmup SECONDS] [--duration SECONDS] [--rounds N] [--no-core] [--no-database-bound] [--no-profile]
  [--soak SECONDS] [--results-dir DIR]
targets: ${targetNames.join(', ')}
scenarios: ${scenarioNames.join(', ')}`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: readonly T[]): T[] {
  if (value === undefined) return [...fallback];
  const items = value.split(',').map((item) => item.trim()).filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0 || items.length === 0) throw new Error(`${flag} takes a comma-separated list of ${allowed.join(', ')}, but got: ${JSON.stringify(value)}\n${usage}`);
  return items as T[];
}

function number(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max) throw new Error(`${flag} must be a number from ${min} to ${max}, but got: ${JSON.stringify(value)}\n${usage}`);
  return parsed;
}

/**
 * Reads the command line. `--quick` is a smoke run of every target and scenario (short measurements, no
 * database-bound section, no profile); the full run measures longer and adds both.
 */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      name: { type: 'string' },
      'results-dir': { type: 'string' },
      targets: { type: 'string' },
      scenarios: { type: 'string' },
      users: { type: 'string' },
      orders: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      'no-core': { type: 'boolean', default: false },
      'no-database-bound': { type: 'boolean', default: false },
      'no-profile': { type: 'boolean', default: false },
      soak: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new Error(usage);
  const quick = values.quick;
  const name = values.name ?? (quick ? 'quick' : 'full');
  if (!/^[\w.-]+$/.test(name)) throw new Error(`--name must be letters, digits, '.', '_' or '-' (it names a file), but got: ${JSON.stringify(name)}`);
  const users = number(values.users, '--users', 50, 50, 100_000);
  const orders = number(values.orders, '--orders', 100, 1, 1_000_000);
  const durationSeconds = number(values.duration, '--duration', quick ? 1.5 : 6, 0.5, 120);
  const warmupSeconds = number(values.warmup, '--warmup', quick ? 0.5 : 1.5, 0, 60);
  const targets = list(values.targets, targetNames, '--targets', quick ? targetNames.filter((target) => target !== 'hive-dedup-all' && target !== 'router-plain') : targetNames);
  const scenarios = list(values.scenarios, scenarioNames, '--scenarios', scenarioNames);
  const databaseBound = !quick && !values['no-database-bound'];
  const profile = !quick && !values['no-profile'];
  const soakSeconds = number(values.soak, '--soak', quick ? 0 : 90, 0, 3600);
  // Generous: the measured time, plus start-ups and the sections, twice over; it only guards against a hang.
  const measured = targets.length * scenarios.length * (durationSeconds + warmupSeconds + 6);
  const deadlineSeconds = Math.ceil(2 * measured + 120 + (databaseBound ? 120 : 0) + (profile ? 60 : 0) + 2 * soakSeconds);
  return {
    mode: quick ? 'quick' : 'full',
    name,
    resultsDir: values['results-dir'] ?? 'bench/results',
    targets,
    scenarios,
    data: { users, orders },
    connections: number(values.connections, '--connections', 50, 1, 1000),
    warmupSeconds,
    durationSeconds,
    rounds: Math.floor(number(values.rounds, '--rounds', quick ? 1 : 2, 1, 20)),
    core: !values['no-core'],
    databaseBound,
    profile,
    soakSeconds,
    deadlineSeconds,
  };
}
