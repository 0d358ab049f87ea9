/**
 * @fedstack/subgraph: what every subgraph is built from. The bootstrap (`createSubgraphService`,
 * `runSubgraph`, `loadSubgraphConfig`), MongoDB connections, DataLoader batching, Relay connections and
 * cursors, ids, authorization policies, the `DateTime` scalar and selection helpers.
 */
export { applyPolicies, authenticated, ownerOrAdmin } from './authorization';
export type { Policies, Policy, ViewerContext } from './authorization';
export { createByIdLoader, groupByKeys, orderByKeys } from './batch';
export { loadMongoConfig, loadSigningConfig, loadSubgraphConfig } from './config';
export type { MongoConfig, SigningConfig, SubgraphConfig, SubgraphIdentity } from './config';
export { decodeCursor, encodeCursor, pageSize, toConnection } from './connection';
export type { Connection, CountedConnection, PageSizeLimits } from './connection';
export { createSubgraphService } from './createSubgraphService';
export type { SubgraphRequestScope, SubgraphResolvers, SubgraphServiceOptions } from './createSubgraphService';
export { isDatabaseUnavailable } from './databaseUnavailable';
export { parseId } from './ids';
export { connectDatabase, findByIds, rawBatchesInEvents, redactUrl } from './mongo';
export type { Database } from './mongo';
export { runSubgraph } from './runSubgraph';
export type { RunSubgraphOptions } from './runSubgraph';
export { DateTimeScalar } from './scalars';
export { selectedFieldNames } from './selection';
