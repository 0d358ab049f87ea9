import { createLogger, runUntilSignalled } from '@fedstack/common';
import { loadConfig } from './config';
import { createOrdersService } from './service';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger('orders', config.common.logLevel);
  await runUntilSignalled(await createOrdersService(config), logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`orders subgraph failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
