import { ConfigError, developmentSigningSecret, loadCommonConfig, readInt, readMaxPageSize, readPort, readSecret, readString, type CommonConfig, type Env } from '@fedstack/server';

/** Where a subgraph's data lives. */
export interface MongoConfig {
  /** A MongoDB connection string: `mongodb://…` or `mongodb+srv://…`. */
  url: string;
  /** The database this service owns. */
  dbName: string;
  /** `MONGO_MAX_POOL_SIZE`: the driver's connection pool size. Defaults to 20. */
  maxPoolSize: number;
  /**
   * `MONGO_SERVER_SELECTION_TIMEOUT_MS`: how long an operation waits for a reachable server before it
   * fails. Short, so that while the database is gone requests fail fast with `DATABASE_UNAVAILABLE`
   * instead of piling up. Defaults to 2000.
   */
  serverSelectionTimeoutMs: number;
  /** `MONGO_CONNECT_TIMEOUT_MS`: how long opening one connection may take. Defaults to 5000. */
  connectTimeoutMs: number;
  /** `MONGO_SOCKET_TIMEOUT_MS`: how long a command may wait for its reply on an open connection. Defaults to 30000. */
  socketTimeoutMs: number;
  /** `MONGO_STARTUP_WAIT_MS`: how long a starting service waits for the database before giving up. Defaults to 60000. */
  startupWaitMs: number;
}

/**
 * Reads a subgraph's database settings: `<PREFIX>_MONGO_URL`, falling back to the shared `MONGO_URL`,
 * and `<PREFIX>_DB_NAME`. Throws when neither URL is set, saying how to get one.
 */
export function loadMongoConfig(env: Env, prefix: string, defaultDbName: string): MongoConfig {
  const url = readString(env, `${prefix}_MONGO_URL`) ?? readString(env, 'MONGO_URL');
  if (!url) {
    throw new ConfigError(
      `Set MONGO_URL (or ${prefix}_MONGO_URL) to a MongoDB connection string, for example mongodb://localhost:27017, ` +
        'or run `npm start`, which starts an embedded database and sets it for you.',
    );
  }
  if (!/^mongodb(\+srv)?:\/\//.test(url)) {
    throw new ConfigError(`${prefix}_MONGO_URL / MONGO_URL must start with mongodb:// or mongodb+srv://`);
  }
  const dbName = readString(env, `${prefix}_DB_NAME`, defaultDbName);
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(dbName)) {
    throw new ConfigError(`${prefix}_DB_NAME must be 1 to 63 letters, digits, _ or -, but got: ${JSON.stringify(dbName)}`);
  }
  return {
    url,
    dbName,
    maxPoolSize: readInt(env, 'MONGO_MAX_POOL_SIZE', 20, { min: 1, max: 1000 }),
    serverSelectionTimeoutMs: readInt(env, 'MONGO_SERVER_SELECTION_TIMEOUT_MS', 2000, { min: 100, max: 120_000 }),
    connectTimeoutMs: readInt(env, 'MONGO_CONNECT_TIMEOUT_MS', 5000, { min: 100, max: 120_000 }),
    socketTimeoutMs: readInt(env, 'MONGO_SOCKET_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 }),
    startupWaitMs: readInt(env, 'MONGO_STARTUP_WAIT_MS', 60_000, { min: 0, max: 3_600_000 }),
  };
}

/** How a subgraph checks that a request comes from the router. */
export interface SigningConfig {
  /** `<PREFIX>_SIGNING_SECRET`: shared with the router (its `SUBGRAPH_<NAME>_SECRET`); at least 32 characters. */
  secret: string;
  /** `SIGNATURE_WINDOW_S`: how old (or how far in the future) a signed request may be. Defaults to 30. */
  windowSeconds: number;
}

/**
 * Reads a subgraph's signing settings. Outside production a missing secret falls back to the
 * development one; in production it must be set, to something other than that.
 */
export function loadSigningConfig(env: Env, prefix: string, subgraph: string, nodeEnv: CommonConfig['nodeEnv']): SigningConfig {
  return {
    secret: readSecret(env, `${prefix}_SIGNING_SECRET`, developmentSigningSecret(subgraph), nodeEnv),
    windowSeconds: readInt(env, 'SIGNATURE_WINDOW_S', 30, { min: 1, max: 600 }),
  };
}

/** Everything a subgraph reads from its environment, read once at start-up. */
export interface SubgraphConfig {
  common: CommonConfig;
  /** `<PREFIX>_HOST`: the interface to listen on. Defaults to `0.0.0.0`. */
  host: string;
  /** `<PREFIX>_PORT`: 0 picks a free port. */
  port: number;
  /** `<PREFIX>_MONGO_URL` or `MONGO_URL`, and `<PREFIX>_DB_NAME` (defaults to the subgraph's name). */
  mongo: MongoConfig;
  /** `<PREFIX>_SIGNING_SECRET` (shared with the router's `SUBGRAPH_<NAME>_SECRET`) and `SIGNATURE_WINDOW_S`. */
  signing: SigningConfig;
  /**
   * `MAX_PAGE_SIZE`: the largest `first` the subgraph's connections accept (more is `BAD_USER_INPUT`
   * naming this maximum). The same setting as the router's, which refuses a larger page before calling
   * the subgraph. Defaults to 100.
   */
  maxPageSize: number;
}

/** Which subgraph {@link loadSubgraphConfig} reads the settings of. */
export interface SubgraphIdentity {
  /** Its name in the supergraph, which is also its database's default name: `users`. */
  name: string;
  /** The prefix of its own variables: `USERS` reads `USERS_PORT`, `USERS_MONGO_URL`, … */
  prefix: string;
  /** Its port unless `<PREFIX>_PORT` is set. */
  defaultPort: number;
}

/**
 * Reads and validates a subgraph's settings; throws a `ConfigError` naming what to change. Every
 * subgraph reads the same settings under its own prefix, so each one's `config.ts` is one call.
 *
 * @example loadSubgraphConfig(process.env, { name: 'users', prefix: 'USERS', defaultPort: 4001 })
 */
export function loadSubgraphConfig(env: Env, { name, prefix, defaultPort }: SubgraphIdentity): SubgraphConfig {
  const common = loadCommonConfig(env);
  return {
    common,
    host: readString(env, `${prefix}_HOST`, '0.0.0.0'),
    port: readPort(env, `${prefix}_PORT`, defaultPort),
    mongo: loadMongoConfig(env, prefix, name),
    signing: loadSigningConfig(env, prefix, name, common.nodeEnv),
    maxPageSize: readMaxPageSize(env),
  };
}
