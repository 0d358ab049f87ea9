import { ErrorCode, type FailureRecognizer } from '@fedstack/server';
import { MongoNetworkError, MongoNotConnectedError, MongoServerSelectionError, MongoTopologyClosedError } from 'mongodb';

/**
 * True when an error (or what it wraps) says the database cannot be reached: no server to select, a
 * dropped connection, a closed client. Those are not bugs; clients get `DATABASE_UNAVAILABLE`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (
      current instanceof MongoServerSelectionError ||
      current instanceof MongoNetworkError ||
      current instanceof MongoNotConnectedError ||
      current instanceof MongoTopologyClosedError
    ) {
      return true;
    }
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The subgraphs' {@link FailureRecognizer}: a database that cannot be reached is `DATABASE_UNAVAILABLE`, not a bug. */
export const recognizeDatabaseUnavailable: FailureRecognizer = (error) =>
  isDatabaseUnavailable(error) ? { code: ErrorCode.DATABASE_UNAVAILABLE, message: 'The database is unavailable; try again shortly.' } : undefined;
