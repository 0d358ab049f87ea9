import { freePort, ServiceProcess } from '@fedstack/devkit';
import type { BenchStack } from './BenchStack';

/** The routers under test, in the order they run, and the ceiling. */
export const targetNames = ['router', 'router-plain', 'apollo-gateway', 'hive', 'hive-nodedup', 'hive-dedup-all', 'ceiling'] as const;
export type TargetName = (typeof targetNames)[number];

/** What each target is, for the table and the docs. */
export const targetTitles: Record<TargetName, string> = {
  router: 'our router (router/src/index.ts, production settings, one process)',
  'router-plain': 'our router without what shares work: no in-flight deduplication (subgraph or inbound), no response cache',
  'apollo-gateway': 'stock @apollo/gateway on @apollo/server, default settings',
  hive: 'Hive Gateway, its defaults: subgraph requests deduplicated in flight',
  'hive-nodedup': 'Hive Gateway, no in-flight deduplication',
  'hive-dedup-all': 'Hive Gateway, in-flight deduplication of subgraph and inbound requests',
  ceiling: 'no federation: one process, graphql-js on both databases',
};

/** A target that is running. */
export interface RunningTarget {
  name: TargetName;
  url: string;
  process: ServiceProcess;
}

/** How to start a target beyond the defaults. */
export interface TargetOptions {
  /** Flags for node, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
  /** Stdout lines to keep (see ServiceProcess). */
  keepStdout?: RegExp;
  /** Where the target reaches each subgraph instead of the stack's URLs (e.g. through a delay proxy). */
  subgraphUrls?: { users: string; orders: string };
  /** Settings over the stack's, e.g. `MAX_PAGE_SIZE` for a router that takes larger pages. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a target on a free loopback port against the stack's subgraphs and resolves once it answers.
 * Our router is started exactly as `npm run start:router` does (its own entry, its own settings);
 * the others are the bench's entries in bench/services.
 */
export async function startTarget(name: TargetName, stack: BenchStack, options: TargetOptions = {}): Promise<RunningTarget> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...stack.env, ...options.env, PORT: String(port) };
  if (options.subgraphUrls) {
    env.SUBGRAPH_USERS_URL = options.subgraphUrls.users;
    env.SUBGRAPH_ORDERS_URL = options.subgraphUrls.orders;
  }
  const start = (entry: string, extra: NodeJS.ProcessEnv = {}) =>
    ServiceProcess.start({ name, entry, env: { ...env, ...extra }, nodeFlags: options.nodeFlags, keepStdout: options.keepStdout, ipc: true });
  const readyMessage = (message: unknown): message is { type: 'ready'; url: string } => (message as { type?: string } | undefined)?.type === 'ready';

  if (name === 'router' || name === 'router-plain') {
    // router-plain measures what the sharing optimisations buy: the same router with them switched off.
    const plain = name === 'router-plain' ? { DEDUPE_SUBGRAPH_REQUESTS: 'false', DEDUPE_INBOUND_QUERIES: 'false', RESPONSE_CACHE: 'false' } : {};
    const child = start('router/src/index.ts', { ROUTER_HOST: '127.0.0.1', ROUTER_PORT: String(port), ROUTER_WORKERS: '1', ...plain });
    // Its readiness asks the subgraphs' readiness, which a delay proxy (it forwards to /graphql) cannot answer.
    const health = options.subgraphUrls ? 'live' : 'ready';
    await child.waitForUrl(`http://127.0.0.1:${port}/health/${health}`, { ready: (status) => status === 200 });
    return { name, url: `http://127.0.0.1:${port}/graphql`, process: child };
  }
  const entries: Record<Exclude<TargetName, 'router' | 'router-plain'>, [string, NodeJS.ProcessEnv]> = {
    'apollo-gateway': ['bench/services/apolloGateway.ts', {}],
    hive: ['bench/services/hiveGateway.ts', { HIVE_DEDUP: 'default' }],
    'hive-nodedup': ['bench/services/hiveGateway.ts', { HIVE_DEDUP: 'off' }],
    'hive-dedup-all': ['bench/services/hiveGateway.ts', { HIVE_DEDUP: 'all' }],
    ceiling: ['bench/services/ceiling.ts', {}],
  };
  const [entry, extra] = entries[name];
  const child = start(entry, extra);
  const { url } = await child.waitForMessage(readyMessage);
  return { name, url, process: child };
}
