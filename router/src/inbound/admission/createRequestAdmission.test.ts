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
    const door = createRequestAdmission(admission, { sharesInFlight: false });
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
    const door = createRequestAdmission(admission, { sharesInFlight: false });
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

  it('with inbound deduplication, lets a request identical to one inside join it at once, ahead of the queue and outside the budget', async () => {
    const admission = new PlanAdmission({ kind: 'fixed', plans: 1 });
    const door = createRequestAdmission(admission, { sharesInFlight: true });
    const leader = await enter(door, 'same');
    const other = door.enter('other');
    expect(other).toBeInstanceOf(Promise);
    // Identical to the leader: joins, though a request waits and the one place is taken.
    const joined = door.enter('same');
    expect(joined).not.toBeInstanceOf(Promise);
    expect(admission.active).toBe(1);
    (joined as AdmissionTicket).receivedBytes = 0;
    (joined as AdmissionTicket).leave();
    leader.receivedBytes = 500;
    leader.leave();
    (await other).leave();
    // The key's weight is the leader's (what the joiner received, nothing, does not count), and once
    // none is inside, the next identical request queues like any other.
    const adaptive = new PlanAdmission({ kind: 'adaptive', budgetBytes: 1000 });
    const door2 = createRequestAdmission(adaptive, { sharesInFlight: true });
    const first = await enter(door2, 'same');
    (await enter(door2, 'same')).leave();
    first.receivedBytes = 500;
    first.leave();
    const again = await enter(door2, 'same');
    expect(adaptive.heldBytes).toBe(500);
    again.leave();
    // Without deduplication identical requests are separate executions, and queue.
    const plain = createRequestAdmission(new PlanAdmission({ kind: 'fixed', plans: 1 }), { sharesInFlight: false });
    const one = await enter(plain, 'same');
    expect(plain.enter('same')).toBeInstanceOf(Promise);
    one.leave();
  });

  it('leaves a ticket once, however often leave() is called', async () => {
    const admission = new PlanAdmission({ kind: 'fixed', plans: 1 });
    const door = createRequestAdmission(admission, { sharesInFlight: false });
    const ticket = await enter(door, 'k');
    ticket.leave();
    ticket.leave();
    expect(admission.active).toBe(0);
    const next = await enter(door, 'k');
    expect(admission.active).toBe(1);
    next.leave();
  });
});
