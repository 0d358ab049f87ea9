import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFerretDB, type EmbeddedDatabase } from '@fedstack/devkit';

declare global {
  // Handed from globalSetup to globalTeardown, which run in the same process.
  var __embeddedDatabase: EmbeddedDatabase | undefined;
}

/**
 * Gives the test run a real database: the user's `MONGO_URL` when set, otherwise a FerretDB started
 * here on a free port with a fresh temporary data folder. Workers inherit `MONGO_URL`; each test file
 * then uses databases of its own (see stack.ts), so files can run in parallel.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGO_URL) return;
  const dataDir = mkdtempSync(join(tmpdir(), 'fedstack-test-db-'));
  const database = await startFerretDB({ dataDir, port: 0, log: (message) => process.stderr.write(`${message}\n`) });
  globalThis.__embeddedDatabase = database;
  process.env.MONGO_URL = database.url;
  process.env.TEST_EMBEDDED_DB_DIR = dataDir;
}
