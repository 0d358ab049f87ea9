import { runScript } from '@fedstack/devkit';

/** Runs `script` with a service logger in a process of its own and returns its log lines (pino writes to stderr). */
function logLines(level: string, script: string): Array<Record<string, unknown>> {
  const program = `const { createLogger } = require('@fedstack/server'); const logger = createLogger('test', '${level}'); ${script}`;
  return runScript(program, __dirname)
    .stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('createLogger', () => {
  it("puts a child's bindings, and its children's, on each line it writes at an enabled level", () => {
    const lines = logLines(
      'info',
      `const request = logger.child({ requestId: 'r1', traceId: 't1' });
       request.debug('below the level');
       request.info('served', { status: 200 });
       request.child({ subgraph: 'orders' }).warn('slow', new Error('took long'));
       logger.error('plain');`,
    );
    expect(lines.map(({ level, msg, requestId, traceId, subgraph, status }) => ({ level, msg, requestId, traceId, subgraph, status }))).toEqual([
      { level: 'info', msg: 'served', requestId: 'r1', traceId: 't1', subgraph: undefined, status: 200 },
      { level: 'warn', msg: 'slow', requestId: 'r1', traceId: 't1', subgraph: 'orders', status: undefined },
      { level: 'error', msg: 'plain', requestId: undefined, traceId: undefined, subgraph: undefined, status: undefined },
    ]);
    expect(lines[1]!.err).toMatchObject({ message: 'took long' });
    expect(lines.every((line) => line.service === 'test')).toBe(true);
  });

  it('writes nothing below its level, from a child either', () => {
    expect(logLines('warn', `const request = logger.child({ requestId: 'r2' }); request.debug('a'); request.info('b'); logger.info('c');`)).toEqual([]);
  });
});
