import { MongoClient, type CommandStartedEvent, type Db } from 'mongodb';
import type { MongoConfig } from './config';

/** An open connection to the database a service owns. */
export interface Database {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * Connects to MongoDB (or a wire-compatible server such as FerretDB) and selects the service's database.
 * `monitorCommands` is always on: it costs an event per command, and lets tests and the benchmark count
 * what a request sends (see {@link CommandLog}).
 */
export async function connectDatabase(config: MongoConfig, appName: string): Promise<Database> {
  const client = new MongoClient(config.url, {
    appName,
    maxPoolSize: config.maxPoolSize,
    monitorCommands: true,
    serverSelectionTimeoutMS: 10_000,
  });
  await client.connect();
  return { client, db: client.db(config.dbName), close: () => client.close() };
}

/** One command the driver sent: its name and the collection it named. */
export interface RecordedCommand {
  command: string;
  collection: string | undefined;
  database: string;
}

const commandsWithoutCollection = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'saslStart', 'saslContinue', 'buildInfo', 'getMore', 'killCursors']);

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
  private readonly listener = (event: CommandStartedEvent) => {
    if (commandsWithoutCollection.has(event.commandName)) return;
    const target: unknown = event.command[event.commandName];
    this.commands.push({
      command: event.commandName,
      collection: typeof target === 'string' ? target : undefined,
      database: event.databaseName,
    });
  };

  private constructor(private readonly client: MongoClient) {
    client.on('commandStarted', this.listener);
  }

  /** Starts recording what `client` sends. */
  static attach(client: MongoClient): CommandLog {
    return new CommandLog(client);
  }

  /** Forgets what was recorded so far. */
  clear(): void {
    this.commands.length = 0;
  }

  /** How many recorded commands match every given field. */
  count(filter: Partial<RecordedCommand> = {}): number {
    return this.commands.filter((c) => Object.entries(filter).every(([k, v]) => c[k as keyof RecordedCommand] === v)).length;
  }

  /** Stops recording. */
  detach(): void {
    this.client.off('commandStarted', this.listener);
  }
}
