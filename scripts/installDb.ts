/**
 * `npm run db:install`: builds the embedded database (FerretDB) into .tools/bin now, instead of on the
 * first `npm start` or `npm test`: the patched build everything runs, and the unpatched one the
 * differential test compares it with (test/database/pushdown.test.ts). Does nothing for a build that is
 * there already.
 */
import { ensureFerretDB } from '@fedstack/devkit';

const log = (message: string) => process.stdout.write(`${message}\n`);
try {
  log(`FerretDB, patched (npm start, npm test, npm run bench): ${ensureFerretDB(log, 'patched')}`);
  log(`FerretDB, unpatched (only the oracle of the differential test): ${ensureFerretDB(log, 'unpatched')}`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
