/**
 * `npm run token -- [--user <id> | --seeded <n>] [--admin] [--ttl <seconds>]`: prints a bearer token for
 * development, signed with the router's AUTH_JWT_SECRET (the development default unless set). In
 * production the router's config refuses the development secret, so these tokens are useless there.
 *
 *   npm run token -- --seeded 0            # the first demo user (the one with the most orders)
 *   npm run token -- --admin               # an admin (sees everyone's orders)
 *   npm run token -- --user 677485800001000000000000 --ttl 600
 */
import { parseArgs } from 'node:util';
import { demoUsers, mintToken } from '@fedstack/devkit';
import { loadConfig } from '@fedstack/router';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { user: { type: 'string' }, seeded: { type: 'string' }, admin: { type: 'boolean', default: false }, ttl: { type: 'string', default: '3600' } },
  });
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1) throw new Error('--ttl must be a whole number of seconds');
  let userId = values.user;
  if (values.seeded !== undefined) userId = demoUsers(Number(values.seeded) + 1).at(-1)?._id.toHexString();
  // An admin needs a subject too; the all-zero id names no demo user.
  userId ??= values.admin ? '000000000000000000000000' : undefined;
  if (!userId || !/^[0-9a-f]{24}$/.test(userId)) throw new Error('Give --user <24 hex characters>, --seeded <index of a demo user>, or --admin.');
  const token = await mintToken(loadConfig(process.env).auth, { userId, roles: values.admin ? ['admin'] : [], expiresInSeconds: ttl });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
