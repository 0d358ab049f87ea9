/**
 * `npm run documents:publish -- [--replace] <manifest.json>...`: publishes trusted-document manifests to
 * the Redis in `REDIS_URL` (keys under `REDIS_KEY_PREFIX`), where every router with that `REDIS_URL`
 * picks them up within `PERSISTED_DOCUMENTS_POLL_INTERVAL_MS`. Run it in a client's deploy, before the
 * new build is served (docs/clients.md#trusted-documents):
 *
 *   REDIS_URL=redis://redis:6379 npm run documents:publish -- web/src/__generated__/persisted-documents.json
 *   REDIS_URL=redis://redis:6379 npm run documents:publish -- --replace web.json ios.json   # drop the rest
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '@fedstack/router';
import { publishDocuments } from './lib/publishDocuments';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { replace: { type: 'boolean', default: false } }, allowPositionals: true });
  const redis = loadConfig(process.env).trustedDocuments.redis;
  if (!redis) throw new Error('set REDIS_URL to the Redis your routers read.');
  if (positionals.length === 0) throw new Error('name at least one manifest file, e.g. web/src/__generated__/persisted-documents.json');
  const manifests = positionals.map((source) => ({ source, content: readFileSync(source, 'utf8') }));
  const { operations, total } = await publishDocuments(redis.url, redis.keyPrefix, manifests, { replace: values.replace });
  process.stdout.write(`Published ${operations} operations; ${total} in Redis under ${redis.keyPrefix}.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`documents:publish: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
