import type { AdmissionTicket, RequestAdmission } from '@fedstack/server';
import type { PlanAdmission } from './PlanAdmission';

/** Request keys whose weight is remembered; the oldest is forgotten first. */
const maxKeys = 1000;

/**
 * The router's door (`ROUTER_PLAN_ADMISSION`): each GraphQL request waits, its body read and nothing
 * built from it, until {@link PlanAdmission} lets it in. Held there rather than before its plan, a
 * waiting request holds a string, where Apollo Server's pipeline would have given it a request context,
 * its variables, the limits' analysis and the plugins' state: with 50 clients and room for 3, those
 * outlived young-generation collections, were promoted, and cost a fifth of the CPU
 * (docs/performance.md, "Requests held at the door").
 *
 * A request is weighed by the subgraph answer bytes that requests with the same key (method, URL,
 * `Authorization` and body) received on their last runs, and by the average over all requests when
 * its key is new or its body too long to keep as a key (empty). A request the response cache answers receives nothing, so
 * those weigh next to nothing; with inbound deduplication (`sharesInFlight`), a request identical to
 * one inside joins it at once: fifty identical requests still share one execution.
 */
export function createRequestAdmission(admission: PlanAdmission, options: { sharesInFlight: boolean }): RequestAdmission {
  const weights = new Map<string, number>();
  /** Per key, the requests inside now (let in or joined). */
  const inside = new Map<string, number>();
  let average = 0;

  const count = (key: string, by: 1 | -1) => {
    if (key === '') return;
    const now = (inside.get(key) ?? 0) + by;
    if (now === 0) inside.delete(key);
    else inside.set(key, now);
  };

  /**
   * A ticket for a request inside: let in with `weight`, or (undefined) joined to an identical request
   * inside, where identical requests share one execution. One that joins goes in at once, outside the
   * budget and ahead of the queue, as waiting on the execution in flight costs next to nothing; and what
   * it receives (nothing) does not lower its key's weight.
   */
  const ticket = (key: string, weight: number | undefined): AdmissionTicket => {
    count(key, 1);
    let left = false;
    return {
      receivedBytes: 0,
      leave() {
        if (left) return;
        left = true;
        count(key, -1);
        if (weight === undefined) return;
        admission.release(weight);
        const received = this.receivedBytes;
        average = average === 0 ? received : Math.round((average * 15 + received) / 16);
        if (key === '') return;
        const before = weights.get(key);
        // Re-inserted, so the Map's order is the order of last use and the first key is the stalest.
        weights.delete(key);
        if (weights.size >= maxKeys) weights.delete(weights.keys().next().value!);
        weights.set(key, before === undefined ? received : Math.round((before * 3 + received) / 4));
      },
    };
  };

  return {
    enter(key) {
      if (options.sharesInFlight && key !== '' && inside.has(key)) return ticket(key, undefined);
      const weight = (key === '' ? undefined : weights.get(key)) ?? average;
      const waiting = admission.admit(weight);
      return waiting ? waiting.then(() => ticket(key, weight)) : ticket(key, weight);
    },
  };
}
