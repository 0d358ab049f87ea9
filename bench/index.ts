/**
 * `npm run bench`: the benchmark harness (docs/performance.md). Starts a database with a seeded data set
 * (the embedded FerretDB, or MONGO_URL), both subgraphs, a load generator and each target in turn, on
 * loopback only; measures every scenario against every target; prints a Markdown report and writes
 * `bench/results/<name>.json`. Bounded: `--quick` takes under 2 minutes, a full run under 10, and a
 * deadline stops everything it started if something hangs.
 *
 *   npm run bench -- --quick
 *   npm run bench                                   # full: adds the database-bound section and a profile
 *   npm run bench -- --targets router,hive --scenarios distinctMix --duration 20
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { killAll, repoRoot } from '@fedstack/devkit';
import { formatReport } from './lib/formatReport';
import { parseOptions } from './lib/parseOptions';
import { runBenchmark } from './lib/runBenchmark';

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
  const deadline = setTimeout(() => {
    log(`still running after ${options.deadlineSeconds} s: stopping everything`);
    killAll();
    process.exit(2);
  }, options.deadlineSeconds * 1000);
  deadline.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      log(`${signal}: stopping everything`);
      killAll();
      process.exit(130);
    });
  }
  const report = await runBenchmark(options, log);
  const dir = resolve(repoRoot, options.resultsDir);
  mkdirSync(dir, { recursive: true });
  const file = resolve(dir, `${options.name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(formatReport(report));
  log(`written: ${file}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    killAll();
    process.exit(1);
  },
);
