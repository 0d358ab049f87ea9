import { PlanAdmission, saturatedAt, spareBelow } from './PlanAdmission';

/** Admits one plan per weight, and says which of them have started (their promise settled, or no promise). */
async function admitAll(admission: PlanAdmission, weights: readonly number[]): Promise<() => number[]> {
  const started: number[] = [];
  weights.forEach((weight, i) => {
    const waiting = admission.admit(weight);
    if (waiting) void waiting.then(() => started.push(i));
    else started.push(i);
  });
  await settle();
  return () => [...started];
}

/** Lets every resolved admission run its continuation. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const kb = 1024;

describe('PlanAdmission, adaptive', () => {
  it('starts every plan at once while the event loop is not saturated, whatever they weigh', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 512 * kb });
    const started = await admitAll(admission, Array.from({ length: 300 }, () => 300 * kb));
    expect(started()).toHaveLength(300);
    expect(admission.heldBytes).toBe(300 * 300 * kb);
  });

  it('while saturated, starts a plan only when the running ones hold less than the budget with it, in arrival order', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 512 * kb });
    admission.adjust(saturatedAt);
    expect(admission.saturated).toBe(true);
    // Two of 200 KB fit; the third waits, and so does the small one behind it (arrival order).
    const started = await admitAll(admission, [200 * kb, 200 * kb, 200 * kb, 2 * kb]);
    expect(started()).toEqual([0, 1]);
    expect(admission.queued).toBe(2);
    admission.release(200 * kb);
    await settle();
    expect(started()).toEqual([0, 1, 2, 3]);
    expect(admission.heldBytes).toBe(402 * kb);
  });

  it('while saturated, lets many light plans run together, and always one heavy plan', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 512 * kb });
    admission.adjust(1);
    const light = await admitAll(admission, Array.from({ length: 200 }, () => 2 * kb));
    expect(light()).toHaveLength(200);
    for (let i = 0; i < 200; i++) admission.release(2 * kb);
    // A plan heavier than the whole budget still runs when nothing else does.
    const heavy = await admitAll(admission, [4096 * kb, 1]);
    expect(heavy()).toEqual([0]);
    admission.release(4096 * kb);
    await settle();
    expect(heavy()).toEqual([0, 1]);
  });

  it('with time to spare, doubles what the running plans may hold, back to no limit; busy but not saturated moves nothing', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 100 });
    admission.adjust(saturatedAt);
    const started = await admitAll(admission, [100, 100, 100, 100, 100]);
    expect(started()).toEqual([0]);
    admission.adjust((spareBelow + saturatedAt) / 2);
    await settle();
    expect(started()).toEqual([0]);
    // Plans waiting on slow subgraphs leave the event loop idle: 200 bytes, then 400.
    admission.adjust(spareBelow / 2);
    await settle();
    expect(started()).toEqual([0, 1]);
    admission.adjust(0);
    await settle();
    expect(started()).toEqual([0, 1, 2, 3]);
    expect(admission.saturated).toBe(true);
    for (let i = 0; i < 9; i++) admission.adjust(0);
    await settle();
    expect(started()).toEqual([0, 1, 2, 3, 4]);
    expect(admission.saturated).toBe(false);
    // Saturated again: back to the budget at once.
    admission.adjust(1);
    expect(admission.saturated).toBe(true);
  });
});

describe('PlanAdmission, fixed', () => {
  it('runs at most that many plans, whatever the load, and starts the next as one ends', async () => {
    const admission = new PlanAdmission({ kind: 'fixed', plans: 2 });
    const started = await admitAll(admission, [0, 0, 0, 0]);
    expect(started()).toEqual([0, 1]);
    admission.adjust(0);
    await settle();
    expect(started()).toEqual([0, 1]);
    admission.release(0);
    await settle();
    expect(started()).toEqual([0, 1, 2]);
    expect(admission.active).toBe(2);
  });

  it('refuses bounds below 1 or not whole', () => {
    expect(() => new PlanAdmission({ kind: 'fixed', plans: 0 })).toThrow('a whole number of at least 1');
    expect(() => new PlanAdmission({ kind: 'adaptive', budgetBytes: 1.5 })).toThrow('a whole number of at least 1');
  });
});
