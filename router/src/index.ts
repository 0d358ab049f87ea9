import { createLogger, runUntilSignalled } from '@fedstack/common';
import { loadConfig } from './config';
import { createRouterService } from './service';

try {
  const config = loadConfig(process.env);
  void runUntilSignalled(createRouterService(config), createLogger('router', config.common.logLevel));
} catch (error) {
  process.stderr.write(`router failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
