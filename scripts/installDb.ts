/**
 * `npm run db:install`: builds the embedded database (FerretDB) into .tools/bin now, instead of on the
 * first `npm start` or `npm test`. Does nothing when it is there already.
 */
import { ensureFerretDB } from './lib/ferretdb';

try {
  process.stdout.write(`FerretDB: ${ensureFerretDB((message) => process.stdout.write(`${message}\n`))}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
