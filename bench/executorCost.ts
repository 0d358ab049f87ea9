/**
 * `npm run bench:executor`: what an executor costs per request, in one process, without HTTP. Apollo
 * Server runs each gateway-bound scenario's request (bench/lib/gatewayScenarios.ts) through stock
 * Apollo Gateway's executor and through ours (ExecutingGateway, with representations sent once and
 * without), over data sources that answer from the subgraphs' recorded answers: each subgraph is asked
 * once, over HTTP, for each distinct request body; after that a fetch costs the `JSON.stringify` of its
 * request and the `JSON.parse` of its answer, as a real one would, and nothing else.
 *
 * Why beside `bench:gateway`: that one measures the whole router under load, where two processes of one
 * build differ by up to 10% and the machine's other work moves every window. Here each target runs in
 * the same process, in alternating rounds, at a fixed concurrency, and what is counted is this process's
 * CPU: the executors' difference shows to within 1–2% between runs.
 *
 * Flags: --scenarios a,b; --rounds N (default 5); --requests N per target and round (default 300 on
 * gatewayBound, 5,000 on the small scenarios);
 * --concurrency N (requests in flight, default 3: what the router's admission lets in); --json FILE.
 */
import { writeFileSync } from 'node:fs';
import { ApolloServer, HeaderMap, type BaseContext } from '@apollo/server';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ExecutingGateway } from '@fedstack/router';
import { composeFixture } from '../test/differential/kit/startRouters';
import { startSubgraph, type RunningSubgraph } from '../test/differential/kit/startSubgraphs';
import type { SupergraphFixture } from '../test/differential/kit/types';
import { projectFixture } from '../test/differential/supergraphs/project';
import { shopFixture } from '../test/differential/supergraphs/shop';
import { createShopData } from '../test/differential/supergraphs/shop/data';
import { argvFlag } from './lib/argvFlag';
import { gatewayScenarios, type GatewayScenarioName } from './lib/gatewayScenarios';
import { median } from './lib/median';

const targets = ['stock', 'ours', 'ours-unshared'] as const;
type Target = (typeof targets)[number];

const rounds = Math.max(1, Number(argvFlag('rounds') ?? 5));
/** Requests per target and round: about a second of stock's CPU unless --requests says. */
const requestsFor = (scenario: GatewayScenarioName) => Math.max(1, Number(argvFlag('requests') ?? (scenario === 'gatewayBound' ? 300 : 5000)));
const concurrency = Math.max(1, Number(argvFlag('concurrency') ?? 3));
const chosenScenarios = (argvFlag('scenarios')?.split(',') ?? Object.keys(gatewayScenarios)) as GatewayScenarioName[];

/**
 * A subgraph's data source that asks the subgraph once per distinct request body and answers from that
 * text afterwards: the request is serialised and the answer parsed on every call.
 */
function recordedSource(url: string, recorded: Map<string, string>): GraphQLDataSource {
  return {
    async process({ request }) {
      const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
      let text = recorded.get(body);
      if (text === undefined) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        text = await response.text();
        recorded.set(body, text);
      }
      return JSON.parse(text) as Awaited<ReturnType<GraphQLDataSource['process']>>;
    },
  };
}

/** Apollo Server over one executor, on the fixture's supergraph. */
async function startTarget(target: Target, supergraphSdl: string, subgraphs: readonly RunningSubgraph[]): Promise<ApolloServer<BaseContext>> {
  const recorded = new Map<string, string>();
  const sources = new Map(subgraphs.map((subgraph) => [subgraph.name, recordedSource(subgraph.url, recorded)]));
  const apollo = new ApolloGateway({ supergraphSdl, buildService: ({ name }) => sources.get(name)! as never });
  const gateway = target === 'stock' ? apollo : new ExecutingGateway(apollo, { services: sources, exposeQueryPlan: false, dedupeRepresentations: target === 'ours' });
  const server = new ApolloServer({ gateway });
  await server.start();
  return server;
}

async function ask(server: ApolloServer<BaseContext>, body: unknown): Promise<string> {
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), body, search: '' },
    context: async () => ({}),
  });
  if (response.body.kind !== 'complete') throw new Error('expected a complete answer');
  return response.body.string;
}

/** CPU milliseconds of this process per request, `requests` of them with `concurrency` in flight. */
async function cpuPerRequest(server: ApolloServer<BaseContext>, body: unknown, requests: number): Promise<number> {
  let started = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < requests) {
        started++;
        await ask(server, body);
      }
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / requests;
}

interface Result {
  scenario: GatewayScenarioName;
  target: Target;
  cpuMsPerRequest: number;
  /** Stock's CPU per request divided by this target's, the median over rounds of each round's ratio. */
  stockRatio: number;
  rounds: number[];
}

async function measure(scenario: GatewayScenarioName): Promise<Result[]> {
  const fixture: SupergraphFixture = gatewayScenarios[scenario].fixture === 'shop' ? shopFixture(createShopData(60)) : projectFixture();
  const subgraphs = await Promise.all(fixture.subgraphs.map((subgraph) => startSubgraph(subgraph, { memoize: true, record: false })));
  try {
    const supergraphSdl = composeFixture(fixture, new Map(subgraphs.map((subgraph) => [subgraph.name, subgraph.url])));
    const body = JSON.parse(gatewayScenarios[scenario].body) as unknown;
    const servers = new Map<Target, ApolloServer<BaseContext>>();
    for (const target of targets) servers.set(target, await startTarget(target, supergraphSdl, subgraphs));
    try {
      // Every executor gives stock's answer, byte for byte, before anything is measured.
      const expected = await ask(servers.get('stock')!, body);
      if (expected.includes('"errors"')) throw new Error(`stock answered ${scenario} with errors: ${expected.slice(0, 300)}`);
      for (const target of targets) {
        const answer = await ask(servers.get(target)!, body);
        if (answer !== expected) throw new Error(`${target} answered ${scenario} differently from stock`);
        // Warm-up: the JIT settles and the recorded answers are all in.
        for (let i = 0; i < 100; i++) await ask(servers.get(target)!, body);
      }
      const perTarget = new Map<Target, number[]>(targets.map((target) => [target, []]));
      for (let round = 0; round < rounds; round++) {
        for (let i = 0; i < targets.length; i++) {
          const target = targets[(i + round) % targets.length]!;
          const ms = await cpuPerRequest(servers.get(target)!, body, requestsFor(scenario));
          perTarget.get(target)!.push(ms);
          process.stderr.write(`${scenario} round ${round + 1}/${rounds} ${target}: ${ms.toFixed(3)} CPU ms per request\n`);
        }
      }
      const stock = perTarget.get('stock')!;
      return targets.map((target) => {
        const values = perTarget.get(target)!;
        return {
          scenario,
          target,
          cpuMsPerRequest: Math.round(median(values) * 1000) / 1000,
          stockRatio: Math.round(median(values.map((value, index) => stock[index]! / value)) * 100) / 100,
          rounds: values.map((value) => Math.round(value * 1000) / 1000),
        };
      });
    } finally {
      for (const server of servers.values()) await server.stop();
    }
  } finally {
    await Promise.all(subgraphs.map((subgraph) => subgraph.close()));
  }
}

async function main(): Promise<void> {
  const results: Result[] = [];
  for (const scenario of chosenScenarios) results.push(...(await measure(scenario)));
  const lines = [
    `In-process, ${concurrency} in flight, medians of ${rounds} rounds per target (${chosenScenarios.map((scenario) => `${scenario}: ${requestsFor(scenario)} requests`).join(', ')}); stock ÷ is the median of each round's ratio.`,
    '',
    '| scenario | executor | CPU ms/request | stock ÷ |',
    '| --- | --- | ---: | ---: |',
    ...results.map((result) => `| ${result.scenario} | ${result.target} | ${result.cpuMsPerRequest} | ${result.stockRatio.toFixed(2)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const json = argvFlag('json');
  if (json) writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), concurrency, rounds, results }, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
