import { defaultRestartPolicy, planRestart } from './planRestart';

describe('restarting a worker that died', () => {
  const policy = defaultRestartPolicy;

  it('waits 100 ms after a first death, and twice as long after each further one, up to 5 s', () => {
    const deaths: number[] = [];
    const delays: number[] = [];
    for (let now = 0; deaths.length < 5; now += 1000) {
      deaths.push(now);
      const plan = planRestart(deaths, now, { ...policy, maxRestarts: 10 });
      if (plan.action === 'restart') delays.push(plan.delayMs);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1600]);
    expect(planRestart([0, 1, 2, 3, 4, 5, 6, 7, 8], 8, { ...policy, maxRestarts: 10 })).toEqual({ action: 'restart', delayMs: 5000, recentDeaths: 9 });
  });

  it('gives up on the sixth death within a minute', () => {
    expect(planRestart([0, 100, 300, 700, 1500], 1500, policy)).toMatchObject({ action: 'restart', recentDeaths: 5 });
    expect(planRestart([0, 100, 300, 700, 1500, 3100], 3100, policy)).toEqual({ action: 'give-up', recentDeaths: 6 });
  });

  it('forgets deaths older than the window, so a worker that crashes now and then is always restarted', () => {
    const hourly = [0, 3_600_000, 7_200_000, 10_800_000, 14_400_000, 18_000_000, 21_600_000];
    expect(planRestart(hourly, 21_600_000, policy)).toEqual({ action: 'restart', delayMs: 100, recentDeaths: 1 });
  });
});
