import type { BenchReport, ScenarioResult } from './runBenchmark';

/** A Markdown table: what the terminal shows is what docs/performance.md can hold. */
function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const align = header.map((_, i) => (i < 2 ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

const errorsOf = (r: ScenarioResult) => r.non2xx + r.graphqlErrors + r.socketErrors + r.timeouts;
const fixed = (n: number, digits = 1) => n.toFixed(digits);

/** The rows of scenario results: throughput, latency, errors, and where the CPU went per request. */
export function formatResults(results: readonly ScenarioResult[]): string {
  return table(
    ['target', 'scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'target CPU ms/req', 'target cores', 'target peak RSS MiB', 'subgraphs CPU ms/req', 'database CPU ms/req', 'Mongo cmds/req (one alone)', 'other cores'],
    results.map((r) =>
      r.failed
        ? [r.target, r.scenario, 'failed', '', '', '', '', '', '', '', '', '', '', '']
        : [
            r.target,
            r.scenario,
            fixed(r.requestsPerSecond),
            fixed(r.latencyMs.p50),
            fixed(r.latencyMs.p95),
            fixed(r.latencyMs.p99),
            errorsOf(r) === 0 ? '0' : `${errorsOf(r)} of ${r.requests}`,
            fixed(r.cpu.target.msPerRequest, 2),
            fixed(r.cpu.target.cores, 2),
            fixed(r.memoryMiB.peak, 0),
            fixed(r.cpu.users.msPerRequest + r.cpu.orders.msPerRequest, 2),
            r.cpu.database ? fixed(r.cpu.database.msPerRequest, 2) : 'n/a',
            `${fixed(r.mongoCommandsPerRequest.total, 2)} (${r.mongoCommandsOneRequest})`,
            fixed(r.cpu.otherCores, 2),
          ],
    ),
  );
}

/** The whole report as Markdown. */
export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  out.push(`# bench ${report.name} (${report.mode}), ${report.date}`);
  out.push(`${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; load average at start ${m.loadAverageAtStart}; database: ${report.database}`);
  out.push(
    `data: ${report.data.users} users, ${report.data.orders} orders; load: ${report.settings.connections} connections, ` +
      `${report.settings.warmupSeconds} s warm-up, ${report.settings.durationSeconds} s measured per scenario and target in ${report.settings.rounds} round(s); ${report.seconds} s in all`,
  );
  out.push('', formatResults(report.results));
  if (report.memory.length > 0) {
    out.push(
      '',
      '## Memory over the run (resident set, MiB; each target stays up through every scenario)',
      '',
      table(['target', 'before its first measurement', 'after its last', 'peak'], report.memory.map((m) => [m.target, fixed(m.firstMiB, 0), fixed(m.lastMiB, 0), fixed(m.peakMiB, 0)])),
    );
  }
  if (report.soak) {
    const k = report.soak;
    out.push(
      '',
      `## Router memory under a ${fixed(k.seconds, 0)} s soak (MiB; ${k.scenarios.join(', ')} in turn, ${fixed(k.windowSeconds, 2)} s each, ${k.connections} connections; ${k.requests} requests, ${k.errors} errors)`,
      '',
      table(
        ['resident set at', ...k.summary.rssAt.map((r) => `${r.percent}% (${fixed(r.atSeconds, 0)} s)`), 'peak', 'last third / middle (medians)'],
        [['', ...k.summary.rssAt.map((r) => fixed(r.rssMiB, 0)), fixed(k.summary.peakMiB, 0), fixed(k.summary.flatness, 3)]],
      ),
      '',
      table(
        ['heap left after a full collection', 'first third', 'middle third', 'last third', 'last / middle (goal <= 1.05)', 'full collections'],
        [['lowest', ...k.summary.liveMiBByThird.map((m) => fixed(m, 1)), fixed(k.summary.liveFlatness, 3), k.fullCollections.length]],
      ),
      '',
      `Every full collection (s: before → after MiB): ${k.fullCollections.map((c) => `${fixed(c.atSeconds, 0)}: ${fixed(c.beforeMiB, 0)} → ${fixed(c.afterMiB, 0)}`).join('; ')}`,
    );
  }
  if (report.core) {
    const p = report.core.parallelism;
    out.push(
      '',
      `## Parallelism (our router, ${p.injectedDelayMs} ms injected per subgraph call, median of ${p.runs})`,
      '',
      table(
        ['query', 'calls', 'ms'],
        [
          ['user { name }', 'users', fixed(p.usersOnlyMs)],
          ['user { orders }', 'orders', fixed(p.ordersOnlyMs)],
          ['user { name orders }', 'users ∥ orders', fixed(p.userWithOrdersParallelMs)],
          ['order { user { name } }', 'orders → users', fixed(p.orderWithUserSequenceMs)],
        ],
      ),
      '',
      `user with orders / slower single call: ${p.parallelOverSlowerSingleCall}; / users call: ${p.parallelOverUsersCall}`,
      '',
      '## MongoDB commands per request (one request, no load)',
      '',
      table(
        ['users with their first 5 orders', 'users commands', 'orders commands', 'documents read'],
        Object.entries(report.core.commandsPerRequest).map(([name, c]) => [c.failed ? `${name} (failed: ${c.failed.slice(0, 80)})` : name, c.users, c.orders, c.documents]),
      ),
    );
  }
  if (report.databaseBound) {
    const d = report.databaseBound;
    out.push('', `## Database-bound: the demo data set (${d.data.users} users, ${d.data.orders} orders), our router, ${d.connections} connections`, '', formatResults(d.results));
    if (Object.keys(d.commandsPerRequest).length > 0) {
      out.push('', table(['users with their first 5 orders', 'users commands', 'orders commands', 'documents read'], Object.entries(d.commandsPerRequest).map(([name, c]) => [c.failed ? `${name} (failed: ${c.failed.slice(0, 80)})` : name, c.users, c.orders, c.documents])));
    }
  }
  if (report.profile) {
    const s = report.profile.summary;
    out.push(
      '',
      `## Where our router's CPU goes (--cpu-prof under ${report.profile.scenarios.join(', ')}; ${s.busyMs} ms busy on its main thread)`,
      '',
      table(['package or folder', 'self ms', '%'], s.byPackage.slice(0, 15).map((e) => [e.name, fixed(e.selfMs, 0), fixed(e.percent)])),
      '',
      "The same, with Node's own code and native functions charged to the package that called them:",
      '',
      table(['calling package or folder', 'ms', '%'], s.byCallingPackage.slice(0, 15).map((e) => [e.name, fixed(e.selfMs, 0), fixed(e.percent)])),
      '',
      table(['function', 'self ms', '%'], s.topFunctions.slice(0, 20).map((e) => [`\`${e.name}\``, fixed(e.selfMs, 0), fixed(e.percent)])),
      '',
      'By scenario (self time by package, % of that scenario\'s busy time):',
      '',
      ...Object.entries(report.profile.byScenario).map(
        ([scenario, summary]) => `- ${scenario} (${summary.busyMs} ms busy): ${summary.byPackage.slice(0, 8).map((e) => `${e.name} ${fixed(e.percent)}%`).join(', ')}`,
      ),
      '',
      `The profile: ${report.profile.file}`,
    );
  }
  out.push('', '## Goals (ratios in this run)', '', table(['goal', 'value'], Object.entries(report.goals).map(([goal, value]) => [goal, value === null ? 'not measured' : String(value)])));
  return `${out.join('\n')}\n`;
}
