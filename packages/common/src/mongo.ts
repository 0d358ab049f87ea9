import { MongoClient, type CommandStartedEvent, type CommandSucceededEvent, type Db } from 'mongodb';
import type { MongoConfig } from './config';
import type { Logger } from './logger';

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

/** One command the driver sent: its name and the collection it named. */
export interface RecordedCommand {
  command: string;
  collection: string | undefined;
  database: string;
}

/** Connection housekeeping, not work a request asked for. */
const commandsWithoutCollection = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'saslStart', 'saslContinue', 'buildInfo', 'killCursors']);

/**
 * Records the commands a client sends, from the driver's command monitoring, so a test can read
 * "one `find` on `users`, one `find` on `orders`" instead of guessing from timings.
 *
 * @example
 * const log = CommandLog.attach(database.client);
 * await runQuery();
 * expect(log.count({ command: 'find', collection: 'orders' })).toBe(1);
 */
export class CommandLog {
  readonly commands: RecordedCommand[] = [];
  /** How many documents `find`, `aggregate` and `getMore` replies carried: what the queries transferred. */
  documentsReturned = 0;
  private readonly replyListener = (event: CommandSucceededEvent) => {
    const cursor = (event.reply as { cursor?: { firstBatch?: unknown[]; nextBatch?: unknown[] } } | undefined)?.cursor;
    this.documentsReturned += (cursor?.firstBatch ?? cursor?.nextBatch ?? []).length;
  };
  private readonly listener = (event: CommandStartedEvent) => {
    if (commandsWithoutCollection.has(event.commandName)) return;
    // A getMore names its cursor's id; its collection is in `collection`. It is a round trip like any other.
    const target: unknown = event.commandName === 'getMore' ? event.command.collection : event.command[event.commandName];
    this.commands.push({
      command: event.commandName,
      collection: typeof target === 'string' ? target : undefined,
      database: event.databaseName,
    });
  };

  private constructor(private readonly client: MongoClient) {
    client.on('commandStarted', this.listener);
    client.on('commandSucceeded', this.replyListener);
  }

  /** Starts recording what `client` sends. */
  static attach(client: MongoClient): CommandLog {
    return new CommandLog(client);
  }

  /** Forgets what was recorded so far. */
  clear(): void {
    this.commands.length = 0;
    this.documentsReturned = 0;
  }

  /** How many recorded commands match every given field. */
  count(filter: Partial<RecordedCommand> = {}): number {
    return this.commands.filter((c) => Object.entries(filter).every(([k, v]) => c[k as keyof RecordedCommand] === v)).length;
  }

  /** Stops recording. */
  detach(): void {
    this.client.off('commandStarted', this.listener);
    this.client.off('commandSucceeded', this.replyListener);
  }
}
