import { ConfigError } from '@fedstack/server';
import { loadWorkerConfig } from './loadWorkerConfig';
import { defaultRestartPolicy } from './planRestart';

describe('ROUTER_WORKERS', () => {
  it('defaults to one worker: the router in the process that was started, no cluster', () => {
    expect(loadWorkerConfig({}, 8)).toMatchObject({ workers: 1 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: ' ' }, 8)).toMatchObject({ workers: 1 });
  });

  it('takes a whole number from 1 to 64', () => {
    expect(loadWorkerConfig({ ROUTER_WORKERS: '4' }, 8)).toMatchObject({ workers: 4 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: '64' }, 8)).toMatchObject({ workers: 64 });
  });

  it('takes auto for one worker per CPU, at most 64', () => {
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'auto' }, 8)).toMatchObject({ workers: 8 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'AUTO' }, 1)).toMatchObject({ workers: 1 });
    expect(loadWorkerConfig({ ROUTER_WORKERS: 'auto' }, 256)).toMatchObject({ workers: 64 });
  });

  it('refuses anything else, naming the variable, what it takes and what it got', () => {
    for (const value of ['0', '65', '2.5', '-1', 'many']) {
      expect(() => loadWorkerConfig({ ROUTER_WORKERS: value }, 8)).toThrow(ConfigError);
      expect(() => loadWorkerConfig({ ROUTER_WORKERS: value }, 8)).toThrow(`ROUTER_WORKERS must be auto or a whole number from 1 to 64, but got: "${value}"`);
    }
  });
});

describe('ROUTER_WORKER_MAX_RESTARTS and ROUTER_WORKER_RESTART_WINDOW_S', () => {
  it('default to 5 restarts within 60 s, with the default backoff', () => {
    expect(loadWorkerConfig({}, 8).restartPolicy).toEqual(defaultRestartPolicy);
    expect(defaultRestartPolicy).toMatchObject({ maxRestarts: 5, windowMs: 60_000 });
  });

  it('set how many restarts within how many seconds, keeping the backoff', () => {
    expect(loadWorkerConfig({ ROUTER_WORKER_MAX_RESTARTS: '0', ROUTER_WORKER_RESTART_WINDOW_S: '3600' }, 8).restartPolicy).toEqual({
      ...defaultRestartPolicy,
      maxRestarts: 0,
      windowMs: 3_600_000,
    });
  });

  it('refuse values out of range, naming the variable', () => {
    expect(() => loadWorkerConfig({ ROUTER_WORKER_MAX_RESTARTS: '-1' }, 8)).toThrow(/ROUTER_WORKER_MAX_RESTARTS/);
    expect(() => loadWorkerConfig({ ROUTER_WORKER_RESTART_WINDOW_S: '0' }, 8)).toThrow(/ROUTER_WORKER_RESTART_WINDOW_S/);
    expect(() => loadWorkerConfig({ ROUTER_WORKER_RESTART_WINDOW_S: '1.5' }, 8)).toThrow(ConfigError);
  });
});
