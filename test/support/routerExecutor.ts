import type { Env } from '@fedstack/server';

/**
 * `ROUTER_EXECUTOR` from the shell that runs the tests, when set, for every router a test starts:
 * `ROUTER_EXECUTOR=apollo npx jest --selectProjects e2e` runs the whole suite on stock Apollo Gateway's
 * executor, `=ours` on the router's own. Unset, each router takes the config's default (ours). A test that
 * means one executor sets it after this, in its own settings.
 */
export function routerExecutorEnv(): Env {
  const executor = process.env.ROUTER_EXECUTOR;
  return executor ? { ROUTER_EXECUTOR: executor } : {};
}
