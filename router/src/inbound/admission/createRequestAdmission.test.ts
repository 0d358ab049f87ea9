import type { AdmissionTicket } from '@fedstack/server';
import { createRequestAdmission } from './createRequestAdmission';
import { PlanAdmission } from './PlanAdmission';

/** Enters a request; resolves with its ticket once let in. */
async function enter(door: ReturnType<typeof createRequestAdmission>, key: string): Promise<AdmissionTicket> {
  return door.enter(key);
}

describe('createRequestAdmission', () => {
  it('weighs a request by what requests with its key received last, and a new key by the average', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 250 });
    const door = createRequestAdmission(admission);
    // Unknown at first: weight 0.
    const a = await enter(door, 'POST /graphql\na');
    expect(admission.heldBytes).toBe(0);
    a.receivedBytes = 100;
    a.leave();
    const b = await enter(door, 'POST /graphql\nb');
    b.receivedBytes = 20;
    b.leave();

    admission.adjust(1);
    const heavy = await enter(door, 'POST /graphql\na');
    expect(admission.heldBytes).toBe(100);
    const light = await enter(door, 'POST /graphql\nb');
    expect(admission.heldBytes).toBe(120);
    // A key never seen, and a body too long to be one (''), weigh the average over all requests: (100 + 20) as 100 then 95.
    const unknown = await enter(door, 'POST /graphql\nnew');
    expect(admission.heldBytes).toBe(215);
    let started = false;
    const waiting = door.enter('')
    expect(waiting).toBeInstanceOf(Promise);
    void (waiting as Promise<AdmissionTicket>).then(() => (started = true));
    expect(admission.queued).toBe(1);
    heavy.leave();
    await (waiting as Promise<AdmissionTicket>);
    expect(started).toBe(true);
    expect(admission.heldBytes).toBe(20 + 95 + 95);
    for (const ticket of [light, unknown, await waiting]) ticket.leave();
    expect(admission.heldBytes).toBe(0);
    expect(admission.active).toBe(0);
  });

  it('lets identical requests that receive nothing (answered by the cache or a shared execution) in together', async () => {
    const admission = new PlanAdmission({ kind: 'adaptive', budgetBytes: 100 });
    const door = createRequestAdmission(admission);
    const key = 'POST /graphql\nsame';
    const first = await enter(door, key);
    first.receivedBytes = 90;
    first.leave();
    admission.adjust(1);
    // Shared answers: each receives 0, and the key's weight falls by a quarter each time.
    for (let i = 0; i < 20; i++) {
      const ticket = await enter(door, key);
      ticket.leave();
    }
    const together = await Promise.all(Array.from({ length: 10 }, () => door.enter(key)));
    expect(admission.active).toBe(10);
    expect(admission.queued).toBe(0);
    for (const ticket of together) ticket.leave();
  });

  it('leaves a ticket once, however often leave() is called', async () => {
    const admission = new PlanAdmission({ kind: 'fixed', plans: 1 });
    const door = createRequestAdmission(admission);
    const ticket = await enter(door, 'k');
    ticket.leave();
    ticket.leave();
    expect(admission.active).toBe(0);
    const next = await enter(door, 'k');
    expect(admission.active).toBe(1);
    next.leave();
  });
});
