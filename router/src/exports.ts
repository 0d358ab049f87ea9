/**
 * @fedstack/router's public API: what tooling (scripts, tests, the benchmark, the devkit) may use. The
 * router runs from `index.ts`; everything else in src/ is its own.
 */
export { createGateway } from './execution/createGateway';
export { ExecutingGateway } from './execution/ExecutingGateway';
export type { ExecutingGatewayOptions } from './execution/ExecutingGateway';
export { readSubgraphList } from './execution/readSubgraphList';
export type { SubgraphEntry } from './execution/readSubgraphList';
export { loadWorkerConfig } from './cluster/loadWorkerConfig';
export { developmentJwtSecret, loadConfig, webManifestPath } from './config';
export type { RouterConfig } from './config';
export type { RouterContext } from './context';
export type { AuthConfig } from './inbound/auth/createTokenVerifier';
export { redisManifestKey, redisManifestVersionKey } from './inbound/persisted/createManifestStore';
export { readManifest } from './inbound/persisted/readManifest';
export { demoUserId } from './playground/demoExamples';
export { createRouterService } from './service';
export type { RouterServiceOptions } from './service';
