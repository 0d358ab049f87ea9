import { rmSync } from 'node:fs';

/** Stops the embedded database globalSetup started, and removes its data. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__embeddedDatabase?.stop();
  const dir = process.env.TEST_EMBEDDED_DB_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
