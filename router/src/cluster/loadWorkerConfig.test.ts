import { ConfigError } from '@fedstack/server';
import { loadWorkerConfig } from './loadWorkerConfig';

describe('ROUTER_WORKERS', () => {
  it('defaults to one worker: the router in the process that was started, no cluster', () => {
    expect(loadWorkerConfig({}, 8)).toEqual({ workers: 1 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: ' ' }, 8)).toEqual({ workers: 1 });
  });

  it('takes a whole number from 1 to 64', () => {
    expect(loadWorkerConfig({ ROUTER_WORKERS: '4' }, 8)).toEqual({ workers: 4 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: '64' }, 8)).toEqual({ workers: 64 });
  });

  it('takes auto for one worker per CPU, at most 64', () => {
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'auto' }, 8)).toEqual({ workers: 8 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'AUTO' }, 1)).toEqual({ workers: 1 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'auto' }, 256)).toEqual({ workers: 64 });
  });

  it('refuses anything else, naming the variable, what it takes and what it got', () => {
    for (const value of ['0', '65', '2.5', '-1', 'many']) {
      expect(() => loadWorkerConfig({ ROUTER_WORKERS: value }, 8)).toThrow(ConfigError);
      expect(() => loadWorkerConfig({ ROUTER_WORKERS: value }, 8)).toThrow(`ROUTER_WORKERS must be auto or a whole number from 1 to 64, but got: "${value}"`);
    }
  });
});
