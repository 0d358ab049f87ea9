import { createLogger, runUntilSignalled } from '@fedstack/common';
import { loadConfig } from './config';
import { createUsersService } from './service';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('users', config.common.logLevel);
  await runUntilSignalled(await createUsersService(config), logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`users subgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
