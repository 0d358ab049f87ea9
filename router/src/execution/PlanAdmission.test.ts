import { PlanAdmission, saturated, spare } from './PlanAdmission';

/** Admits `count` plans, and says which of them have started (their promise settled, or no promise). */
async function admitMany(admission: PlanAdmission, count: number): Promise<{ started: () => number[] }> {
  const started: number[] = [];
  for (let i = 0; i < count; i++) {
    const waiting = admission.admit();
    if (waiting) void waiting.then(() => started.push(i));
    else started.push(i);
  }
  await settle();
  return { started: () => [...started] };
}

/** Lets every resolved admission run its continuation. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PlanAdmission', () => {
  it('starts every plan at once while the CPU has not been saturated', async () => {
    const admission = new PlanAdmission({ min: 2, max: 1024 });
    const { started } = await admitMany(admission, 300);
    expect(started()).toHaveLength(300);
    expect(admission.queued).toBe(0);
  });

  it('holds new plans back while the CPU is saturated, down to `min`, and admits them in arrival order', async () => {
    const admission = new PlanAdmission({ min: 2, max: 1024 });
    await admitMany(admission, 40);
    admission.adjust(1);
    expect(admission.limit).toBe(30);
    for (let i = 0; i < 20; i++) admission.adjust(saturated);
    expect(admission.limit).toBe(2);

    const later = await admitMany(admission, 3);
    expect(later.started()).toEqual([]);
    expect(admission.queued).toBe(3);
    // The 40 running end: only two of the waiting start, the oldest first.
    for (let i = 0; i < 40; i++) admission.release();
    await settle();
    expect(later.started()).toEqual([0, 1]);
    expect(admission.active).toBe(2);
    admission.release();
    await settle();
    expect(later.started()).toEqual([0, 1, 2]);
  });

  it('raises the limit when the CPU has time to spare, and admits what waits', async () => {
    const admission = new PlanAdmission({ min: 2, max: 1024 });
    await admitMany(admission, 4);
    for (let i = 0; i < 10; i++) admission.adjust(1);
    expect(admission.limit).toBe(2);
    const later = await admitMany(admission, 10);
    expect(later.started()).toEqual([]);

    // Plans waiting on slow subgraphs leave the event loop idle: that lets more start, not fewer.
    admission.adjust(0);
    await settle();
    expect(admission.limit).toBe(3);
    expect(later.started()).toEqual([]);
    for (let i = 0; i < 10; i++) admission.adjust(spare / 2);
    await settle();
    expect(later.started()).toHaveLength(10);
    // A steady load in between moves nothing.
    const limit = admission.limit;
    admission.adjust((spare + saturated) / 2);
    expect(admission.limit).toBe(limit);
  });

  it('goes back to `max` quickly once nothing waits', async () => {
    const admission = new PlanAdmission({ min: 2, max: 64 });
    for (let i = 0; i < 10; i++) admission.adjust(1);
    expect(admission.limit).toBe(2);
    for (let i = 0; i < 5; i++) admission.adjust(0);
    expect(admission.limit).toBe(64);
    admission.adjust(0);
    expect(admission.limit).toBe(64);
  });

  it('refuses bounds that are not whole numbers with 1 ≤ min ≤ max', () => {
    expect(() => new PlanAdmission({ min: 0, max: 4 })).toThrow('1 ≤ min ≤ max');
    expect(() => new PlanAdmission({ min: 5, max: 4 })).toThrow('1 ≤ min ≤ max');
    expect(() => new PlanAdmission({ min: 1.5, max: 4 })).toThrow('1 ≤ min ≤ max');
  });
});
