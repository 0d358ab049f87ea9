/**
 * @fedstack/devkit: the tooling every script, test and benchmark shares, and nothing a service runs in
 * production. The repository's layout, composition and its checks, development tokens, the demo data,
 * the embedded database (FerretDB), the delay proxy and the database command log.
 */
export { CommandLog } from './CommandLog';
export type { RecordedCommand } from './CommandLog';
export { composeSupergraph } from './composeSupergraph';
export { createRandom } from './createRandom';
export { exposeGc } from './exposeGc';
export { runScript } from './runScript';
export type { CollectGarbage } from './exposeGc';
export type { CompositionResult } from './composeSupergraph';
export { inFlightTogether, startDelayProxy } from './delayProxy';
export type { DelayProxy, ProxiedRequest } from './delayProxy';
export { ensureFerretDB, ferretdbBinary, freePort, startFerretDB } from './ferretdb';
export type { EmbeddedDatabase, FerretDBVariant } from './ferretdb';
export { findDescriptionLeaks } from './findDescriptionLeaks';
export { mintToken } from './mintToken';
export type { TokenClaims } from './mintToken';
export { repoRoot, schemaDir } from './paths';
export { writeFiller } from './writeFiller';
export { killAll, registerProcess, ServiceProcess } from './ServiceProcess';
export type { ProcessExit, ProcessOutput, ServiceProcessOptions } from './ServiceProcess';
export { demoDataSet, demoOrders, demoOrdersOfUser, demoUsers, parseSeedOptions, seedDemoData } from './seed';
export type { SeedOptions } from './seed';
