/**
 * Helpers for the one `loadConfig(env)` each service has. Every value is read once, trimmed, validated,
 * and a bad one stops the start with a sentence that says which variable to change.
 */

/** The environment as `process.env` gives it; tests pass a plain object instead. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Thrown at start-up for a missing or invalid setting. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads a trimmed string; an empty value counts as unset. */
export function readString(env: Env, name: string): string | undefined;
export function readString(env: Env, name: string, fallback: string): string;
export function readString(env: Env, name: string, fallback?: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

/** Reads an integer within `[min, max]`. */
export function readInt(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be a whole number from ${range.min} to ${range.max}, but got: ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a number (fractions allowed) within `[min, max]`. */
export function readNumber(env: Env, name: string, fallback: number, range: { min: number; max: number }): number {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < range.min || value > range.max) {
    throw new ConfigError(`${name} must be a number from ${range.min} to ${range.max}, but got: ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Reads a TCP port; 0 asks the system for a free one. */
export function readPort(env: Env, name: string, fallback: number): number {
  return readInt(env, name, fallback, { min: 0, max: 65535 });
}

/** Reads `true`/`false` (also `1`/`0`, `yes`/`no`). */
export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = readString(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, but got: ${JSON.stringify(raw)}`);
}

/** Reads one of a fixed set of values. */
export function readEnum<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = readString(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, but got: ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** Reads an http(s) URL. */
export function readUrl(env: Env, name: string, fallback: string): string {
  const raw = readString(env, name, fallback);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, but got: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${name} must be an http(s) URL, but got: ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** Reads a comma-separated list; blank entries are dropped. */
export function readList(env: Env, name: string, fallback: readonly string[]): string[] {
  const raw = readString(env, name);
  if (raw === undefined) return [...fallback];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Settings every service has. */
export interface CommonConfig {
  /**
   * `development` shows unexpected errors' messages; `production` masks them, and hides the query plan,
   * introspection and the playground. Defaults to `development`.
   */
  nodeEnv: 'development' | 'production' | 'test';
  /** Minimum level written to the log. Defaults to `info`. */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /**
   * `SHUTDOWN_GRACE_MS`: after SIGTERM, how long in-flight requests may take before their connections
   * are closed anyway. Defaults to 10000 (Docker waits 10 s before it kills).
   */
  shutdownGraceMs: number;
  /**
   * `ERROR_STACK_TRACES`: put each error's stack trace in the answer (`extensions.stacktrace`), for
   * debugging a service on one's own machine. A stack is dozens of lines per error, and an anonymous
   * query for private fields gets one error per field, so by default stacks go to the log only (with
   * the request id the client sees). Refused in production, where no stack leaves a service. Defaults
   * to false.
   */
  errorStackTraces: boolean;
}

/** Reads `NODE_ENV`, `LOG_LEVEL`, `SHUTDOWN_GRACE_MS` and `ERROR_STACK_TRACES`. */
export function loadCommonConfig(env: Env): CommonConfig {
  const nodeEnv = readEnum(env, 'NODE_ENV', ['development', 'production', 'test'], 'development');
  const errorStackTraces = readBoolean(env, 'ERROR_STACK_TRACES', false);
  if (nodeEnv === 'production' && errorStackTraces) {
    throw new ConfigError('ERROR_STACK_TRACES=true is refused with NODE_ENV=production: no stack trace leaves a service in production (they are in the log). Unset it.');
  }
  return {
    nodeEnv,
    logLevel: readEnum(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error', 'silent'], 'info'),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', 10_000, { min: 0, max: 600_000 }),
    errorStackTraces,
  };
}

/**
 * The signing secret a subgraph and the router share when none is configured: fine on a laptop, and
 * refused in production (see {@link loadSigningConfig}), where every secret must be set.
 */
export function developmentSigningSecret(subgraph: string): string {
  return `development-only-signing-secret-for-${subgraph}`;
}

/**
 * Reads a secret of at least 32 characters. Outside production an unset one falls back to
 * `developmentValue`; in production it must be set and differ from it.
 */
export function readSecret(env: Env, name: string, developmentValue: string, nodeEnv: CommonConfig['nodeEnv']): string {
  const value = readString(env, name);
  if (nodeEnv === 'production' && (value === undefined || value === developmentValue)) {
    throw new ConfigError(`${name} must be set in production (at least 32 random characters, e.g. from \`openssl rand -hex 32\`); the development default is refused.`);
  }
  const secret = value ?? developmentValue;
  if (secret.length < 32) throw new ConfigError(`${name} must be at least 32 characters long.`);
  return secret;
}

/**
 * Reads `MAX_PAGE_SIZE`: the largest `first` a connection field accepts, 1 to 10,000. The router refuses
 * a larger one before any subgraph is called, and each subgraph checks it again, so that a subgraph
 * reached some other way is bounded too: give every service the same value. A value below a field's
 * default `first` (20 for `users`, 10 for `User.orders`) refuses a query that leaves `first` out.
 * Defaults to 100.
 */
export function readMaxPageSize(env: Env): number {
  return readInt(env, 'MAX_PAGE_SIZE', 100, { min: 1, max: 10_000 });
}
