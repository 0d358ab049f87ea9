import { ConfigError, loadCommonConfig, readBoolean, readInt, readMaxPageSize, readPort, readUrl } from './config';

describe('config readers', () => {
  it('fall back to the default when a variable is unset or blank', () => {
    expect(readPort({}, 'PORT', 4001)).toBe(4001);
    expect(readPort({ PORT: '  ' }, 'PORT', 4001)).toBe(4001);
    expect(readBoolean({}, 'FLAG', true)).toBe(true);
  });

  it('trim and parse what is set', () => {
    expect(readPort({ PORT: ' 0 ' }, 'PORT', 4001)).toBe(0);
    expect(readBoolean({ FLAG: 'No' }, 'FLAG', true)).toBe(false);
  });

  it('refuse a bad value with a sentence naming the variable and the value', () => {
    expect(() => readPort({ PORT: '70000' }, 'PORT', 1)).toThrow(new ConfigError('PORT must be a whole number from 0 to 65535, but got: "70000"'));
    expect(() => readInt({ N: '1.5' }, 'N', 1, { min: 1, max: 5 })).toThrow(ConfigError);
    expect(() => readBoolean({ FLAG: 'maybe' }, 'FLAG', true)).toThrow('FLAG must be true or false, but got: "maybe"');
    expect(() => readUrl({ U: 'ftp://x' }, 'U', 'http://a')).toThrow('U must be an http(s) URL');
    expect(() => loadCommonConfig({ NODE_ENV: 'prod' })).toThrow('NODE_ENV must be one of development, production, test, but got: "prod"');
  });
});

describe('ERROR_STACK_TRACES', () => {
  it('is off unless set, in development too: stack traces go to the log', () => {
    expect(loadCommonConfig({}).errorStackTraces).toBe(false);
    expect(loadCommonConfig({ NODE_ENV: 'development', ERROR_STACK_TRACES: 'true' }).errorStackTraces).toBe(true);
  });

  it('is refused in production', () => {
    expect(() => loadCommonConfig({ NODE_ENV: 'production', ERROR_STACK_TRACES: 'true' })).toThrow(
      new ConfigError('ERROR_STACK_TRACES=true is refused with NODE_ENV=production: no stack trace leaves a service in production (they are in the log). Unset it.'),
    );
  });
});

describe('readMaxPageSize', () => {
  it('is 100 unless MAX_PAGE_SIZE is set', () => {
    expect(readMaxPageSize({})).toBe(100);
    expect(readMaxPageSize({ MAX_PAGE_SIZE: ' 500 ' })).toBe(500);
  });

  it('refuses a maximum that is not a whole number from 1 to 10000, naming MAX_PAGE_SIZE', () => {
    expect(() => readMaxPageSize({ MAX_PAGE_SIZE: '0' })).toThrow(new ConfigError('MAX_PAGE_SIZE must be a whole number from 1 to 10000, but got: "0"'));
    expect(() => readMaxPageSize({ MAX_PAGE_SIZE: '10001' })).toThrow(ConfigError);
    expect(() => readMaxPageSize({ MAX_PAGE_SIZE: 'lots' })).toThrow(ConfigError);
  });
});
