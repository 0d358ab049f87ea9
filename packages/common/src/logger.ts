import type { CommonConfig } from './config';

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;

/** A structured logger: one JSON object per line on stderr. It also serves as Apollo's logger. */
export interface Logger {
  debug(...message: unknown[]): void;
  info(...message: unknown[]): void;
  warn(...message: unknown[]): void;
  error(...message: unknown[]): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * Creates a logger for a service. Lines carry `time`, `level`, `service` and `msg`, plus any bindings.
 */
export function createLogger(service: string, level: CommonConfig['logLevel'], bindings: Record<string, unknown> = {}): Logger {
  const min = levels[level];
  const write = (lvl: Exclude<keyof typeof levels, 'silent'>) => (...message: unknown[]) => {
    if (levels[lvl] < min) return;
    const msg = message.map((m) => (m instanceof Error ? (m.stack ?? m.message) : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: lvl, service, ...bindings, msg })}\n`);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createLogger(service, level, { ...bindings, ...more }),
  };
}
