import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase, loadMongoConfig, type Database } from '@fedstack/subgraph';
import { ObjectId } from 'mongodb';
import { type EmbeddedDatabase, type FerretDBVariant, freePort, mintToken, registerProcess, seedDemoData, type SeedOptions, ServiceProcess, startFerretDB } from '@fedstack/devkit';
import { ordersCollection } from '@fedstack/orders';
import { benchIdentity } from '../services/signing';
import type { SubgraphMessage, SubgraphRequest } from '../services/subgraph';
import { benchData } from './scenarios';

/** Where the bench's data lives: the user's MongoDB (`MONGO_URL`) or an embedded FerretDB it started. */
export interface BenchDatabase {
  url: string;
  /** `embedded FerretDB (SQLite, patched)` (or `unpatched`), or `MONGO_URL`. */
  kind: string;
  /** The process to sample, when the database runs on this machine under the bench (FerretDB). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts FerretDB in a fresh temporary folder, unless `MONGO_URL` is set: the patched build, or the
 * unpatched one (FerretDB as released) to measure what the patches buy.
 */
export async function startBenchDatabase(log: (message: string) => void, variant: FerretDBVariant = 'patched'): Promise<BenchDatabase> {
  const url = process.env.MONGO_URL?.trim();
  if (url) return { url, kind: 'MONGO_URL', pid: undefined, stop: async () => {} };
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-bench-'));
  const database: EmbeddedDatabase = await startFerretDB({ dataDir, port: 0, log, variant });
  if (database.process.pid !== undefined) registerProcess(database.process.pid);
  return {
    url: database.url,
    kind: `embedded FerretDB (SQLite, ${variant})`,
    pid: database.process.pid,
    async stop() {
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The commands a subgraph sent, by command name. */
export interface CommandCounts {
  commands: Record<string, number>;
  documentsReturned: number;
}

/**
 * Waits until `readAndReset` (the commands counted since its last call) reports none for `quietMs`:
 * the requests a load run left in flight have drained. Gives up after `timeoutMs`.
 */
export async function waitForQuiet(readAndReset: () => Promise<{ users: CommandCounts; orders: CommandCounts }>, quietMs = 150, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await readAndReset();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, quietMs));
    const { users, orders } = await readAndReset();
    if (Object.keys(users.commands).length === 0 && Object.keys(orders.commands).length === 0) return;
  }
}

/**
 * The subgraphs' `MAX_PAGE_SIZE` in the bench: large enough for 500 users in one page, so that
 * bench/core.ts can count the commands of `users(first: 500)` through a router given the same. Our
 * router under load keeps its default (100), which it enforces before any subgraph is called; the other
 * gateways have no page limit of their own, and no scenario asks for more than 50.
 */
export const benchMaxPageSize = 500;

/** One subgraph process. */
export class SubgraphProcess {
  constructor(
    readonly name: string,
    readonly process: ServiceProcess,
    readonly url: string,
  ) {}

  /** The commands sent since the last reset; `reset` starts counting again from zero. */
  async commands(reset: boolean): Promise<CommandCounts> {
    const answer = this.process.waitForMessage((message): message is Extract<SubgraphMessage, { type: 'commands' }> => (message as SubgraphMessage | undefined)?.type === 'commands', 10_000);
    this.process.send({ type: 'commands', reset } satisfies SubgraphRequest);
    const { commands, documentsReturned } = await answer;
    return { commands, documentsReturned };
  }
}

/**
 * The part of the platform every target shares: the seeded databases, both subgraphs as processes
 * (with their commands counted), the signing secrets, and an admin's token. Production settings, with
 * fresh random secrets: what the subgraphs check is what they check in production.
 */
export class BenchStack {
  private constructor(
    readonly seed: SeedOptions,
    readonly env: NodeJS.ProcessEnv,
    readonly users: SubgraphProcess,
    readonly orders: SubgraphProcess,
    /** `Authorization` header for the benchmark's admin. */
    readonly authorization: string,
    private readonly usersDb: Database,
    private readonly ordersDb: Database,
  ) {}

  /** Seeds `seed` into two fresh databases on `database` and starts both subgraphs on them. */
  static async start(database: BenchDatabase, seed: SeedOptions, label: string): Promise<BenchStack> {
    const prefix = `bench${randomBytes(3).toString('hex')}_${label}`;
    const secret = () => randomBytes(32).toString('hex');
    const usersSecret = secret();
    const ordersSecret = secret();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      // The scenarios send operation text, and the trusted-documents one ids too: both run.
      PERSISTED_DOCUMENTS: 'allow',
      LOG_LEVEL: 'warn',
      MONGO_URL: database.url,
      USERS_DB_NAME: `${prefix}_users`,
      ORDERS_DB_NAME: `${prefix}_orders`,
      USERS_SIGNING_SECRET: usersSecret,
      ORDERS_SIGNING_SECRET: ordersSecret,
      SUBGRAPH_USERS_SECRET: usersSecret,
      SUBGRAPH_ORDERS_SECRET: ordersSecret,
      AUTH_JWT_SECRET: secret(),
      APOLLO_TELEMETRY_DISABLED: 'true',
    };
    const usersDb = await connectDatabase(loadMongoConfig(env, 'USERS', 'users'), 'bench-seed');
    const ordersDb = await connectDatabase(loadMongoConfig(env, 'ORDERS', 'orders'), 'bench-seed');
    await seedDemoData(usersDb.db, ordersDb.db, seed);

    const startSubgraph = async (name: 'users' | 'orders') => {
      const port = await freePort();
      const child = ServiceProcess.start({
        ipc: true,
        name: `${name} subgraph`,
        entry: 'bench/services/subgraph.ts',
        env: { ...env, BENCH_SUBGRAPH: name, MAX_PAGE_SIZE: String(benchMaxPageSize), [`${name.toUpperCase()}_HOST`]: '127.0.0.1', [`${name.toUpperCase()}_PORT`]: String(port) },
      });
      const ready = await child.waitForMessage((message): message is Extract<SubgraphMessage, { type: 'ready' }> => (message as SubgraphMessage | undefined)?.type === 'ready');
      return new SubgraphProcess(name, child, ready.url);
    };
    const [users, orders] = await Promise.all([startSubgraph('users'), startSubgraph('orders')]);
    env.SUBGRAPH_USERS_URL = users.url;
    env.SUBGRAPH_ORDERS_URL = orders.url;
    const token = await mintToken(
      { jwtSecret: env.AUTH_JWT_SECRET, issuer: 'fedstack', audience: 'fedstack-api' },
      { userId: benchIdentity.userId, roles: [...benchIdentity.roles], expiresInSeconds: 4 * 3600 },
    );
    return new BenchStack(seed, env, users, orders, `Bearer ${token}`, usersDb, ordersDb);
  }

  /** Deletes what the write scenario added (orders for the writer, who has no seeded ones), so the next target reads the same data. */
  async removeWrites(): Promise<number> {
    const { writerId } = benchData({ users: this.seed.users, orders: 0 });
    return (await ordersCollection(this.ordersDb.db).deleteMany({ userId: new ObjectId(writerId) })).deletedCount;
  }

  /** Commands both subgraphs sent since the last reset. */
  async commands(reset: boolean): Promise<{ users: CommandCounts; orders: CommandCounts }> {
    const [users, orders] = await Promise.all([this.users.commands(reset), this.orders.commands(reset)]);
    return { users, orders };
  }

  /**
   * Waits until the subgraphs have sent no command for `quietMs` (requests a load run left in flight
   * have drained), at most `timeoutMs`, and resets the counts.
   */
  waitForQuiet(): Promise<void> {
    return waitForQuiet(() => this.commands(true));
  }

  /** Stops both subgraphs and drops the databases. */
  async stop(): Promise<void> {
    await Promise.all([this.users.process.stop(), this.orders.process.stop()]);
    await Promise.all([this.usersDb.db.dropDatabase(), this.ordersDb.db.dropDatabase()]);
    await Promise.all([this.usersDb.close(), this.ordersDb.close()]);
  }
}
