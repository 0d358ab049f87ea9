import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createErrorFormatter, ErrorCode, errorStatus } from './errors';

describe('createErrorFormatter', () => {
  // What Apollo Server makes of an error thrown without a code: it says INTERNAL_SERVER_ERROR itself.
  const unexpected = { message: 'connection reset by peer at 10.0.0.3', extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x'] } };

  it('masks an error without a public code as INTERNAL_SERVER_ERROR in production', () => {
    const format = createErrorFormatter({ development: false });
    expect(format(unexpected)).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('keeps a public code and its fields, without the stack trace, in production', () => {
    const format = createErrorFormatter({ development: false });
    expect(format({ message: 'id: bad', extensions: { code: 'BAD_USER_INPUT', field: 'id', stacktrace: ['at y'] } })).toEqual({
      message: 'id: bad',
      extensions: { code: 'BAD_USER_INPUT', field: 'id' },
    });
  });

  it('masks an error with a code nobody declared too', () => {
    expect(createErrorFormatter({ development: false })({ message: 'secret', extensions: { code: 'ECONNRESET' } })).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('shows the message in development, and the stack trace only when ERROR_STACK_TRACES asks for it', () => {
    expect(createErrorFormatter({ development: true })(unexpected)).toEqual({ message: unexpected.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(createErrorFormatter({ development: true, stackTraces: true })(unexpected)).toBe(unexpected);
  });
});

describe('error codes', () => {
  it('each have an HTTP status', () => {
    for (const code of Object.values(ErrorCode)) expect(errorStatus[code]).toBeGreaterThanOrEqual(400);
  });
});

describe('docs/errors.md', () => {
  it('lists exactly the codes of the ErrorCode enum', () => {
    const doc = readFileSync(resolve(__dirname, '../../../docs/errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCode).sort());
  });
});
