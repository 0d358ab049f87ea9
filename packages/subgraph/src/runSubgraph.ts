import { createLogger, runUntilSignalled, type Env, type GraphQLService } from '@fedstack/server';
import type { SubgraphConfig } from './config';

/** What a subgraph's `index.ts` hands {@link runSubgraph}. */
export interface RunSubgraphOptions<TConfig extends SubgraphConfig> {
  name: string;
  loadConfig: (env: Env) => TConfig;
  createService: (config: TConfig) => Promise<GraphQLService<object>>;
  /** The environment to read the settings from: `process.env`, handed in by the entry point. */
  env: Env;
}

/**
 * The whole of a subgraph's `index.ts`: reads its settings, builds it, and runs it until a signal (see
 * `runUntilSignalled`). A bad setting or a failed start exits 1 with one line saying why.
 *
 * @example runSubgraph({ name: 'users', env: process.env, loadConfig, createService: createUsersService })
 */
export function runSubgraph<TConfig extends SubgraphConfig>(options: RunSubgraphOptions<TConfig>): void {
  const start = async () => {
    const config = options.loadConfig(options.env);
    await runUntilSignalled(await options.createService(config), createLogger(options.name, config.common.logLevel));
  };
  start().catch((error: unknown) => {
    process.stderr.write(`${options.name} subgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
