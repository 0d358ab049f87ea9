import type { BenchReport } from './runBenchmark';
import type { ScenarioName } from './scenarios';
import type { TargetName } from './startTarget';

/** The goals, as ratios of this run's numbers. */
export function goalRatios(report: Pick<BenchReport, 'results' | 'core' | 'databaseBound' | 'memory' | 'soak'>): Record<string, number | null> {
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
