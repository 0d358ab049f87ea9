import { BSON, type CommandStartedEvent, type CommandSucceededEvent, type MongoClient } from 'mongodb';

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
    const cursor = (event.reply as { cursor?: { firstBatch?: unknown; nextBatch?: unknown } } | undefined)?.cursor;
    this.documentsReturned += batchLength(cursor?.firstBatch ?? cursor?.nextBatch);
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

/**
 * How many documents a reply's batch holds: an array, or BSON bytes when the command asked for its
 * batches raw in monitoring events (`rawBatchesInEvents` of @fedstack/subgraph). The bytes are a BSON
 * array of documents: their elements are counted by skipping each one by its length, without decoding it.
 */
function batchLength(batch: unknown): number {
  if (Array.isArray(batch)) return batch.length;
  if (!(batch instanceof Uint8Array)) return 0;
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let count = 0;
  let at = 4; // the array's total length
  while (at < batch.length && batch[at] !== 0) {
    // An element that is not a document: decode the whole array instead of guessing its size.
    if (batch[at] !== 0x03) return Object.keys(BSON.deserialize(batch)).length;
    at = batch.indexOf(0, at + 1) + 1; // past the type and the key's C string
    at += view.getInt32(at, true);
    count += 1;
  }
  return count;
}
