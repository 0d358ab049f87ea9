import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import type { GraphQLService } from '@fedstack/server';
import { parse } from 'graphql';
import { createRouterService, loadConfig, type RouterContext } from '@fedstack/router';
import { startSubgraph, type RunningSubgraph } from './startSubgraphs';
import type { SupergraphFixture } from './types';

/** A fixture's subgraphs, and one router per executor in front of them. */
export interface DifferentialStack {
  subgraphs: Map<string, RunningSubgraph>;
  supergraphSdl: string;
  /** Our executor (`ROUTER_EXECUTOR=ours`). */
  ours: GraphQLService<RouterContext>;
  /** Stock Apollo Gateway's executor (`ROUTER_EXECUTOR=apollo`), the oracle. */
  apollo: GraphQLService<RouterContext>;
  stop(): Promise<void>;
}

/** Composes a fixture's subgraphs (at the URLs given) into a supergraph; throws the composition errors. */
export function composeFixture(fixture: SupergraphFixture, urls: ReadonlyMap<string, string>): string {
  const result = composeServices(fixture.subgraphs.map(({ name, typeDefs }) => ({ name, url: urls.get(name) ?? 'http://127.0.0.1:9/graphql', typeDefs: parse(typeDefs) })));
  if (result.errors) throw new Error(`${fixture.name} does not compose:\n${result.errors.map((error) => error.message).join('\n')}`);
  return result.supergraphSdl;
}

/**
 * Starts a fixture's subgraphs and two routers that differ only in `ROUTER_EXECUTOR`: everything that
 * shares work (deduplication, the response cache) and retries are off, so every request runs the plan,
 * and the circuit breaker never opens, so an injected fault stays with the case that injected it.
 */
export async function startDifferentialStack(fixture: SupergraphFixture, env: Record<string, string> = {}): Promise<DifferentialStack> {
  const subgraphs = new Map<string, RunningSubgraph>();
  for (const subgraph of fixture.subgraphs) subgraphs.set(subgraph.name, await startSubgraph(subgraph));
  const supergraphSdl = composeFixture(fixture, new Map([...subgraphs].map(([name, running]) => [name, running.url])));
  const supergraphPath = join(mkdtempSync(join(tmpdir(), `differential-${fixture.name}-`)), 'supergraph.graphql');
  writeFileSync(supergraphPath, supergraphSdl);
  const routerEnv = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SUPERGRAPH_PATH: supergraphPath,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: '0',
    DEDUPE_SUBGRAPH_REQUESTS: 'false',
    DEDUPE_INBOUND_QUERIES: 'false',
    RESPONSE_CACHE: 'false',
    SUBGRAPH_RETRIES: '0',
    // Only an injected `hang` should ever reach it: a cold first request on a busy machine must not.
    SUBGRAPH_TIMEOUT_MS: '8000',
    CIRCUIT_FAILURE_THRESHOLD: '1000',
    INTROSPECTION: 'true',
    MAX_DEPTH: '100',
    MAX_ALIASES: '10000',
    MAX_ROOT_FIELDS: '1000',
    MAX_COST: '10000000',
    MAX_TOKENS: '100000',
    ...env,
  };
  const ours = createRouterService(loadConfig({ ...routerEnv, ROUTER_EXECUTOR: 'ours' }));
  const apollo = createRouterService(loadConfig({ ...routerEnv, ROUTER_EXECUTOR: 'apollo' }));
  await Promise.all([ours.start(), apollo.start()]);
  return {
    subgraphs,
    supergraphSdl,
    ours,
    apollo,
    async stop() {
      await Promise.all([ours.stop(), apollo.stop()]);
      await Promise.all([...subgraphs.values()].map((subgraph) => subgraph.close()));
    },
  };
}

/** What a client sees of one answer: the HTTP status, the parsed body, and its bytes as text. */
export interface Answer {
  status: number;
  body: unknown;
  /**
   * The body as sent. Compared too, so that the order of keys counts: the router's executor writes its
   * answers' JSON itself (compileResponseWriter), and a key out of place must fail here.
   */
  text: string;
}

/** Sends one operation to a router, as a client would. */
export async function ask(router: GraphQLService<RouterContext>, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, body, text };
}
