import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import { repoRoot } from './paths';

/**
 * The embedded database: FerretDB 1.x, a MongoDB wire-protocol server, on its SQLite backend. It stands
 * in for MongoDB where there is none (no Docker, no `MONGO_URL`). It is not mongod: no transactions, no
 * change streams, fewer aggregation stages and operators (see docs/database.md).
 */
export const ferretdbModule = 'github.com/FerretDB/FerretDB';
export const ferretdbVersion = 'v1.24.2';

/**
 * The patches the project carries for FerretDB's SQLite backend (filter, sort and limit pushdown to
 * its indexes: docs/database.md), pinned to {@link ferretdbVersion}: applied in file-name order to the
 * downloaded source before it is built.
 */
export const ferretdbPatchesDir = resolve(repoRoot, 'scripts', 'ferretdb-patches', ferretdbVersion);

/** The patch files, in the order they are applied. */
function patchFiles(): string[] {
  if (!existsSync(ferretdbPatchesDir)) {
    throw new Error(`No FerretDB patches for ${ferretdbVersion} in ${ferretdbPatchesDir}: the patches are pinned to the version they were written for.`);
  }
  return readdirSync(ferretdbPatchesDir)
    .filter((name) => name.endsWith('.patch'))
    .sort()
    .map((name) => join(ferretdbPatchesDir, name));
}

/**
 * A hash of the patches, part of the patched binary's name: a binary built from other patches (or
 * none) is never taken for this one.
 */
function patchesHash(): string {
  const hash = createHash('sha256');
  for (const file of patchFiles()) hash.update(basename(file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 12);
}

const binDir = resolve(repoRoot, '.tools', 'bin');

/**
 * Where the project keeps the FerretDB binary it builds: inside the repository, ignored by git. The
 * patched one is what `npm start`, `npm test` and the bench run; the unpatched one (FerretDB exactly as
 * released) only serves as the oracle of the differential test (test/database/pushdown.test.ts).
 */
export function ferretdbBinary(variant: FerretDBVariant = 'patched'): string {
  return variant === 'patched' ? join(binDir, `ferretdb-${ferretdbVersion}-fedstack-${patchesHash()}`) : join(binDir, `ferretdb-${ferretdbVersion}`);
}

/** `patched`: with scripts/ferretdb-patches applied (the default); `unpatched`: as released. */
export type FerretDBVariant = 'patched' | 'unpatched';

type Log = (message: string) => void;

/**
 * Builds FerretDB from the Go module proxy into `.tools/bin` unless it is there already, and returns its
 * path. The build takes about a minute once; later calls return at once.
 *
 * Why not `go install …@v1.24.2`: the proxy refuses the module's version list, which `go install`
 * reads to check for deprecation, and the module's zip lacks `build/version/version.txt`, which
 * FerretDB's `main` requires. So: download exactly that version, copy it, add the version file, apply
 * the patches (checking first that every one applies cleanly, and refusing a source they do not fit),
 * build.
 */
export function ensureFerretDB(log: Log, variant: FerretDBVariant = 'patched'): string {
  const binary = ferretdbBinary(variant);
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'No MongoDB to use: MONGO_URL is not set, and Go is not installed to build the embedded database (FerretDB). ' +
        'Either set MONGO_URL to a MongoDB (for example mongodb://localhost:27017/?directConnection=true from `docker compose up mongo`), ' +
        'or install Go 1.24 or newer (https://go.dev/dl/) and run this again.',
    );
  }
  log(`building FerretDB ${ferretdbVersion} (${variant}) with ${go.stdout.trim()} (once, about a minute)…`);
  const download = spawnSync('go', ['mod', 'download', '-json', `${ferretdbModule}@${ferretdbVersion}`], { encoding: 'utf8' });
  if (download.status !== 0) throw new Error(`go mod download ${ferretdbModule}@${ferretdbVersion} failed:\n${download.stdout}${download.stderr}`);
  const moduleDir = (JSON.parse(download.stdout) as { Dir: string }).Dir;

  const srcDir = resolve(repoRoot, '.tools', 'src', `ferretdb-${ferretdbVersion}-${variant}-${process.pid}`);
  rmSync(srcDir, { recursive: true, force: true });
  mkdirSync(srcDir, { recursive: true });
  try {
    cpSync(moduleDir, srcDir, { recursive: true });
    makeWritable(srcDir);
    writeFileSync(join(srcDir, 'build', 'version', 'version.txt'), `${ferretdbVersion}\n`);
    if (variant === 'patched') applyPatches(srcDir, log);

    mkdirSync(binDir, { recursive: true });
    const partial = `${binary}.${process.pid}.partial`;
    const build = (env: NodeJS.ProcessEnv) => spawnSync('go', ['build', '-o', partial, './cmd/ferretdb'], { cwd: srcDir, env, encoding: 'utf8' });
    let result = build(process.env);
    if (result.status !== 0) {
      log(`the build failed with this Go; trying GOTOOLCHAIN=go1.24.3:\n${result.stderr}`);
      result = build({ ...process.env, GOTOOLCHAIN: 'go1.24.3' });
    }
    if (result.status !== 0) throw new Error(`Building FerretDB failed:\n${result.stderr}\nSet MONGO_URL to use another MongoDB instead.`);
    // Renamed into place only when complete, so a concurrent or interrupted build never leaves half a binary.
    renameSync(partial, binary);
  } finally {
    rmSync(srcDir, { recursive: true, force: true });
  }
  log(`FerretDB built (${variant}): ${binary}`);
  return binary;
}

/**
 * Applies the patches to a copy of the module source. Every patch is checked first (`git apply
 * --check`): a source they do not fit (another FerretDB version, a changed file) stops the build rather
 * than producing a binary with half of them.
 */
function applyPatches(srcDir: string, log: Log): void {
  const files = patchFiles();
  if (files.length === 0) throw new Error(`No .patch files in ${ferretdbPatchesDir}.`);
  // The copy lies inside this repository's working tree, where `git apply` would take paths as relative
  // to the repository and silently skip every file it does not find there: stop its search for a
  // repository at the copy's parent, so it patches the copy as plain files.
  const env = { ...process.env, GIT_CEILING_DIRECTORIES: resolve(srcDir, '..') };
  for (const file of files) {
    const check = spawnSync('git', ['apply', '--check', file], { cwd: srcDir, env, encoding: 'utf8' });
    if (check.error || check.status !== 0) {
      throw new Error(
        `The patch ${basename(file)} does not apply cleanly to FerretDB ${ferretdbVersion}'s source; refusing to build it:\n` +
          `${check.error?.message ?? check.stderr}\nThe patches in ${ferretdbPatchesDir} are written for exactly that version.`,
      );
    }
    const apply = spawnSync('git', ['apply', file], { cwd: srcDir, env, encoding: 'utf8' });
    if (apply.status !== 0) throw new Error(`Applying ${basename(file)} failed:\n${apply.stderr}`);
  }
  log(`applied ${files.length} patches from ${ferretdbPatchesDir}`);
}

function makeWritable(dir: string): void {
  spawnSync('chmod', ['-R', 'u+w', dir]);
  chmodSync(dir, 0o755);
}

/** A running embedded database. */
export interface EmbeddedDatabase {
  /** The connection string to hand to the services as `MONGO_URL`. */
  url: string;
  process: ChildProcess;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts FerretDB on `127.0.0.1:port` (a free port when 0) with its data in `dataDir`, and resolves once
 * it accepts connections.
 */
export async function startFerretDB(options: {
  dataDir: string;
  port: number;
  log: Log;
  detached?: boolean;
  /** Which build to run; defaults to the patched one. */
  variant?: FerretDBVariant;
  /**
   * FerretDB's `--test-disable-pushdown`: the backend is offered no filter, sort or group, so the
   * handler filters, sorts and groups every document in Go. Only test/database runs it, as an oracle.
   */
  disablePushdown?: boolean;
}): Promise<EmbeddedDatabase> {
  const binary = ensureFerretDB(options.log, options.variant);
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port === 0 ? await freePort() : options.port;
  // Something else on the port (another FerretDB, a mongod) would answer our connection checks while
  // our server failed to bind: refuse, rather than quietly use another server and another data folder.
  if (await canConnect(port)) throw new Error(`Port ${port} on 127.0.0.1 is taken by another process: choose another (0 picks a free one).`);
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${options.dataDir}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${options.dataDir}`,
      '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=warn',
      ...(options.disablePushdown ? ['--test-disable-pushdown'] : []),
    ],
    // `detached`: its own process group, so a Ctrl-C in the terminal reaches only the parent, which
    // stops the database last, after the services that use it.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: options.detached ?? false, env: ferretdbEnv(process.env) },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode}:\n${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`FerretDB did not accept connections on port ${port} within 30 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Between freePort() and the bind, another process could have taken the port: then it answered, not us.
  await new Promise((r) => setTimeout(r, 100));
  if (child.exitCode !== null) throw new Error(`FerretDB exited with code ${child.exitCode} (is port ${port} taken?):\n${stderr}`);
  const database: EmbeddedDatabase = {
    url: `mongodb://127.0.0.1:${port}/`,
    process: child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  try {
    await rebuildIndexesOfOtherBuilds(database.url, options.dataDir, basename(binary), options.log);
  } catch (error) {
    await database.stop();
    throw error;
  }
  return database;
}

/**
 * The file in a data folder that names the FerretDB build that last built its indexes.
 */
const indexesBuiltByFile = 'fedstack-indexes-built-by';

/**
 * Rebuilds the indexes of a data folder that another FerretDB build wrote, once. The patches change how
 * an index is laid out in SQLite (a non-unique index on top-level fields is built on typed columns, so
 * that filters, sorts and counts can use it), and the queries of the patched build are written for that
 * layout: over an index an older build made, they stay correct but SQLite scans every row (a user's
 * orders took 0.6 s instead of a few ms). So when the folder was last indexed by another build (the
 * binary's name holds the patches' hash), every index but `_id_` is dropped and created again with the
 * same specification, before any service connects. Nothing else changes: the documents stay as stored.
 */
async function rebuildIndexesOfOtherBuilds(url: string, dataDir: string, build: string, log: Log): Promise<void> {
  const markerPath = join(dataDir, indexesBuiltByFile);
  const builtBy = existsSync(markerPath) ? readFileSync(markerPath, 'utf8').trim() : undefined;
  if (builtBy === build) return;
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 30_000 });
  let rebuilt = 0;
  try {
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases) {
      if (['admin', 'config', 'local'].includes(name)) continue;
      const db = client.db(name);
      for (const { name: collection } of await db.listCollections({}, { nameOnly: true }).toArray()) {
        for (const index of await db.collection(collection).listIndexes().toArray()) {
          const { key, name: indexName, v: _version, ns: _namespace, ...options } = index as { key: Record<string, 1 | -1>; name: string; v?: number; ns?: string };
          if (indexName === '_id_') continue;
          await db.collection(collection).dropIndex(indexName);
          await db.collection(collection).createIndex(key, { ...options, name: indexName });
          rebuilt += 1;
        }
      }
    }
  } finally {
    await client.close();
  }
  if (rebuilt > 0) log(`rebuilt ${rebuilt} ${rebuilt === 1 ? 'index' : 'indexes'} that ${builtBy ?? 'an older FerretDB build'} made, so that queries can use them (once per build)`);
  writeFileSync(markerPath, `${build}\n`);
}

/**
 * FerretDB's environment: the caller's, with Go's garbage collector set to run a quarter as often
 * (`GOGC=400`) unless the caller chose otherwise. FerretDB allocates for every document it reads (its
 * decoding, its BSON reply), so at Go's default a large find spends a fifth of its CPU collecting. The
 * price is memory: 90–110 MiB resident while 3,000 orders are read again and again, 340 MiB at the peak
 * of a 33,000-order find (250 at the default); `GOMEMLIMIT` makes the collector run earlier again
 * before the heap reaches 1 GiB.
 */
function ferretdbEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { GOGC: '400', GOMEMLIMIT: '1GiB', ...env };
}

/** Asks the system for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolveConnect) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once('error', () => resolveConnect(false));
  });
}
