import { MongoClient, type Collection, type Db, type Filter, type ObjectId, type WithId } from 'mongodb';
import type { MongoConfig } from './config';
import type { Logger } from '@fedstack/server';

/** An open connection to the database a service owns. */
export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connects to MongoDB (or a wire-compatible server such as FerretDB) and selects the service's database.
 * `monitorCommands` is always on: it costs an event per command, and lets tests, metrics and the
 * benchmark see what a request sends (see {@link CommandLog}).
 *
 * A database that is not up yet is waited for, with a growing pause between tries and a log line each
 * time, for at most `startupWaitMs`: a service started together with its database (docker compose, a
 * restart) comes up instead of crashing. Once connected, the driver reconnects by itself whenever the
 * database comes back; operations meanwhile fail after `serverSelectionTimeoutMs`.
 */
export async function connectDatabase(config: MongoConfig, appName: string, logger?: Logger): Promise<Database> {
  const client = new MongoClient(config.url, {
    appName,
    maxPoolSize: config.maxPoolSize,
    monitorCommands: true,
    serverSelectionTimeoutMS: config.serverSelectionTimeoutMs,
    connectTimeoutMS: config.connectTimeoutMs,
    socketTimeoutMS: config.socketTimeoutMs,
  });
  const deadline = Date.now() + config.startupWaitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await client.connect();
      await client.db(config.dbName).command({ ping: 1 });
      break;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const pause = Math.min(5000, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
      if (Date.now() + pause > deadline) {
        await client.close().catch(() => undefined);
        throw new Error(`MongoDB at ${redactUrl(config.url)} did not answer within ${Math.round(config.startupWaitMs / 1000)} s: ${message}`);
      }
      logger?.warn(`waiting for MongoDB at ${redactUrl(config.url)} (attempt ${attempt}, next in ${(pause / 1000).toFixed(1)} s): ${message}`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return { client, db: client.db(config.dbName), close: () => client.close() };
}

/** A connection string without its password, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/**
 * Options for a `find` or `aggregate` whose reply may carry many documents. With `monitorCommands` on,
 * the driver decodes every reply once more, whole, for the `commandSucceeded` event, though the cursor
 * decodes its batch by itself; with the batch left raw in that event, the second decode is only the
 * reply's envelope (about 5 ms of CPU for 1,100 orders). Listeners get `cursor.firstBatch` and
 * `nextBatch` as BSON bytes: the metrics read only the duration, and `CommandLog` counts the bytes'
 * documents. (A document field of the same name would be left raw too; no collection here has one.)
 */
export const rawBatchesInEvents = { fieldsAsRaw: { firstBatch: true, nextBatch: true } } as const;

/**
 * Every document whose `_id` is one of `ids`, in one command and one round trip; the order of the
 * result is the database's (a DataLoader puts it in key order). All come in the first batch: one more
 * than can match, so the server closes the cursor and no `getMore` follows. One id is plain equality,
 * the simplest filter every server answers from the `_id` index.
 */
export function findByIds<TDocument extends { _id: ObjectId }>(collection: Collection<TDocument>, ids: readonly ObjectId[]): Promise<WithId<TDocument>[]> {
  const filter = (ids.length === 1 ? { _id: ids[0]! } : { _id: { $in: [...ids] } }) as Filter<TDocument>;
  return collection.find(filter, rawBatchesInEvents).batchSize(ids.length + 1).toArray();
}
