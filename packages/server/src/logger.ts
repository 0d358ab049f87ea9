import pino from 'pino';
import type { CommonConfig } from './config';

/**
 * A structured logger: one JSON object per line on stderr, through pino. It also serves as Apollo's
 * logger. Arguments are combined: strings make the message, an Error goes under `err` (with its stack),
 * and plain objects add fields, so `logger.info('served', { requestId, status })` is one line with both.
 */
export interface Logger {
  debug(...message: unknown[]): void;
  info(...message: unknown[]): void;
  warn(...message: unknown[]): void;
  error(...message: unknown[]): void;
  /** A logger whose every line carries `bindings` too, such as a request id. */
  child(bindings: Record<string, unknown>): Logger;
}

/** Creates a service's logger; every line carries `service`, `pid`, an ISO `time` and the level by name. */
export function createLogger(service: string, level: CommonConfig['logLevel'], bindings: Record<string, unknown> = {}): Logger {
  return wrap(
    pino(
      {
        level,
        // `pid` tells router workers apart, which share one port and one log stream.
        base: { service, pid: process.pid, ...bindings },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      // Synchronous: a line written just before the process exits (a fatal start-up error) is not lost.
      pino.destination({ fd: 2, sync: true }),
    ),
  );
}

type Level = 'debug' | 'info' | 'warn' | 'error';

function wrap(base: pino.Logger): Logger {
  const write = (level: Level) => (...message: unknown[]) => {
    if (!base.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const text: string[] = [];
    for (const part of message) {
      if (part instanceof Error) fields.err = part;
      else if (typeof part === 'string') text.push(part);
      else if (part !== null && typeof part === 'object' && !Array.isArray(part)) Object.assign(fields, part);
      else text.push(JSON.stringify(part));
    }
    base[level](fields, text.join(' '));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (bindings) => lazyChild(base, bindings) };
}

/**
 * A child logger that pino makes on its first line at an enabled level. A service makes a child per
 * request (its request id and trace id on every line), and most requests write no line at the level an
 * operator runs with; pino would build the child's bindings into JSON text and its methods per level
 * right away, on every request.
 */
function lazyChild(parent: pino.Logger, given: Record<string, unknown>): Logger {
  // Taken now, as pino's child takes them, whatever the caller does with its object later.
  const bindings = { ...given };
  let made: Logger | undefined;
  const write = (level: Level) => (...message: unknown[]) => {
    if (!parent.isLevelEnabled(level)) return;
    made ??= wrap(parent.child(bindings));
    made[level](...message);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: (more) => lazyChild(parent, { ...bindings, ...more }) };
}
