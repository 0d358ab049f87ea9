/**
 * @fedstack/users' public API: what tooling (scripts, tests, the benchmark, the devkit) may use. The
 * subgraph runs from `index.ts`. Its data access and loaders are here for the seed and for the bench's
 * ceiling, which must send the very commands the subgraph sends.
 */
export { loadConfig } from './config';
export type { UsersConfig } from './config';
export type { UsersContext } from './context';
export { countUsers, ensureUserIndexes, findUsersPage, usersCollection } from './data/users';
export type { UserDocument } from './data/users';
export { createLoaders } from './loaders';
export { createUsersService } from './service';
