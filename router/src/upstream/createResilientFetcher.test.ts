import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { createHttpFetcher } from './createHttpFetcher';
import { createPoolFetcher } from './createPoolFetcher';
import { AttemptDeadline, createResilientFetcher, retryDelayMs, type FetchOutcome, type ResilienceOptions } from './createResilientFetcher';

const options: ResilienceOptions = { timeoutMs: 200, retries: 2, backoffMs: 1, retryBudget: 1, failureThreshold: 3, openMs: 100 };
const query = { method: 'POST', body: JSON.stringify({ query: 'query { users { id } }' }) };
const mutation = { method: 'POST', body: JSON.stringify({ query: 'mutation { placeOrder { id } }' }) };

/** A subgraph stand-in that answers with the given statuses in turn ('hang' never answers), counting calls. */
function subgraph(...answers: Array<number | 'refuse' | 'hang' | { status: number; retryAfter: string }>) {
  let calls = 0;
  const fetcher: Fetcher = async (_url, init) => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!;
    if (typeof answer === 'object') return new Response('{}', { status: answer.status, headers: { 'retry-after': answer.retryAfter } }) as unknown as FetcherResponse;
    if (answer === 'refuse') throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    if (answer === 'hang') {
      return new Promise<FetcherResponse>((_resolve, reject) => {
        (init?.signal as AbortSignal).addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'TimeoutError' })));
      });
    }
    return new Response('{}', { status: answer }) as unknown as FetcherResponse;
  };
  return { fetcher, calls: () => calls };
}

describe('createResilientFetcher', () => {
  it('retries a query that failed, and answers when a retry succeeds', async () => {
    const upstream = subgraph(503, 'refuse', 200);
    const outcomes: FetchOutcome[] = [];
    const response = await createResilientFetcher('orders', options, upstream.fetcher, (outcome) => outcomes.push(outcome))('http://x/graphql', query);
    expect(response.status).toBe(200);
    expect(upstream.calls()).toBe(3);
    expect(outcomes).toEqual(['status_5xx', 'unavailable', 'success']);
  });

  it('never retries a mutation, and names the subgraph in a coded error', async () => {
    const upstream = subgraph('refuse', 200);
    await expect(createResilientFetcher('orders', options, upstream.fetcher)('http://x/graphql', mutation)).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'orders' },
    });
    expect(upstream.calls()).toBe(1);
  });

  it('passes a 4xx through: it is the subgraph\'s answer, not a failure', async () => {
    const upstream = subgraph(401);
    expect((await createResilientFetcher('users', options, upstream.fetcher)('http://x/graphql', query)).status).toBe(401);
    expect(upstream.calls()).toBe(1);
  });

  it('gives up after its timeout with SUBGRAPH_TIMEOUT', async () => {
    const upstream = subgraph('hang');
    await expect(createResilientFetcher('users', { ...options, retries: 0 }, upstream.fetcher)('http://x/graphql', query)).rejects.toMatchObject({
      extensions: { code: 'SUBGRAPH_TIMEOUT', serviceName: 'users' },
    });
  });

  it('opens the circuit after repeated failures, fails fast while open, then lets one probe close it', async () => {
    // The open period is read from Date: a fake one moves past it without waiting (timers stay real).
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'clearImmediate'] });
    try {
      const upstream = subgraph('refuse', 'refuse', 'refuse', 200);
      const fetch = createResilientFetcher('orders', { ...options, retries: 0 }, upstream.fetcher);
      for (let i = 0; i < 3; i++) await expect(fetch('http://x/graphql', query)).rejects.toBeDefined();
      await expect(fetch('http://x/graphql', query)).rejects.toMatchObject({ message: expect.stringContaining('given a rest') });
      jest.setSystemTime(Date.now() + options.openMs - 1);
      await expect(fetch('http://x/graphql', query)).rejects.toMatchObject({ message: expect.stringContaining('given a rest') });
      expect(upstream.calls()).toBe(3);
      jest.setSystemTime(Date.now() + 1);
      expect((await fetch('http://x/graphql', query)).status).toBe(200);
      expect((await fetch('http://x/graphql', query)).status).toBe(200);
      expect(upstream.calls()).toBe(5);
    } finally {
      jest.useRealTimers();
    }
  });

  it('spends retries from a budget, so a failing subgraph is not sent many times the load', async () => {
    const upstream = subgraph('refuse');
    const fetch = createResilientFetcher('orders', { ...options, retryBudget: 0, failureThreshold: 1000 }, upstream.fetcher);
    for (let i = 0; i < 10; i++) await expect(fetch('http://x/graphql', query)).rejects.toBeDefined();
    // Three tokens to start with, none earned: 10 requests, 3 retries.
    expect(upstream.calls()).toBe(13);
  });

  it('retries a 429 or 503 after the Retry-After the subgraph asks for, without opening the circuit for a 429', async () => {
    const upstream = subgraph({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' }, 200);
    const outcomes: FetchOutcome[] = [];
    const fetch = createResilientFetcher('orders', { ...options, failureThreshold: 2 }, upstream.fetcher, (outcome) => outcomes.push(outcome));
    expect((await fetch('http://x/graphql', query)).status).toBe(200);
    expect(upstream.calls()).toBe(3);
    // The 429 was not counted as a failure (the 503 was): the circuit, with a threshold of 2, stayed closed.
    expect(outcomes).toEqual(['status_5xx', 'success']);
  });

  it('passes a 429 through when the wait it asks for is longer than the timeout', async () => {
    const upstream = subgraph({ status: 429, retryAfter: '3600' }, 200);
    expect((await createResilientFetcher('orders', options, upstream.fetcher)('http://x/graphql', query)).status).toBe(429);
    expect(upstream.calls()).toBe(1);
  });

  it('stops when its caller aborts, without retrying or counting it against the subgraph', async () => {
    const upstream = subgraph('hang', 200);
    const outcomes: FetchOutcome[] = [];
    const fetch = createResilientFetcher('orders', { ...options, timeoutMs: 60_000, failureThreshold: 1 }, upstream.fetcher, (outcome) => outcomes.push(outcome));
    const caller = new AbortController();
    const pending = fetch('http://x/graphql', { ...query, signal: caller.signal });
    caller.abort(new Error('the client went away'));
    await expect(pending).rejects.toThrow('the client went away');
    expect(upstream.calls()).toBe(1);
    expect(outcomes).toEqual([]);
    // With a threshold of 1, a counted failure would have opened the circuit.
    expect((await fetch('http://x/graphql', query)).status).toBe(200);
  });
});

describe('AttemptDeadline', () => {
  it('calls its abort listeners once, with a TimeoutError, when the deadline passes', async () => {
    const deadline = new AttemptDeadline(1, undefined);
    const reasons: unknown[] = [];
    const removed = () => reasons.push('removed');
    await new Promise<void>((resolve) => {
      deadline.addEventListener('abort', () => {
        reasons.push(deadline.reason);
        resolve();
      });
      deadline.addEventListener('abort', removed);
      deadline.removeEventListener('abort', removed);
    });
    expect(deadline.aborted).toBe(true);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ name: 'TimeoutError' });
    expect(() => deadline.throwIfAborted()).toThrow('The operation was aborted due to timeout');
  });

  it("takes the caller's reason when the caller aborts, and lets go of the caller once done", () => {
    const caller = new AbortController();
    const deadline = new AttemptDeadline(60_000, caller.signal);
    const heard: unknown[] = [];
    deadline.addEventListener('abort', { handleEvent: (event) => heard.push(event.type) });
    caller.abort(new Error('the client went away'));
    expect(deadline.aborted).toBe(true);
    expect(deadline.reason).toEqual(new Error('the client went away'));
    expect(heard).toEqual(['abort']);

    const later = new AbortController();
    const settled = new AttemptDeadline(60_000, later.signal);
    settled.addEventListener('abort', () => heard.push('too late'));
    settled.done();
    later.abort(new Error('after the answer'));
    expect(settled.aborted).toBe(false);
    expect(heard).toEqual(['abort']);
  });

  describe('ends a real request to a subgraph that never answers, as a timeout', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      // Reads the request and never answers it.
      server = createServer((request) => request.resume());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it.each([
      ['node:http (createHttpFetcher)', () => ({ fetcher: createHttpFetcher(), close: async () => {} })],
      ['undici (createPoolFetcher)', () => {
        const pool = createPoolFetcher();
        return { fetcher: pool, close: () => pool.close() };
      }],
    ])('over %s', async (_name, make) => {
      const { fetcher, close } = make();
      try {
        const fetch = createResilientFetcher('orders', { ...options, timeoutMs: 50, retries: 0 }, fetcher);
        await expect(fetch(url, { ...query, headers: { 'content-type': 'application/json' } })).rejects.toMatchObject({ extensions: { code: 'SUBGRAPH_TIMEOUT' } });
      } finally {
        await close();
      }
    });
  });
});

describe('retryDelayMs', () => {
  it('takes Retry-After in seconds or as an HTTP date, and refuses a wait longer than the limit', () => {
    expect(retryDelayMs(0, 50, '2', 10_000)).toBe(2000);
    expect(retryDelayMs(3, 50, '0', 10_000)).toBe(0);
    expect(retryDelayMs(0, 50, new Date(Date.now() + 60_000).toUTCString(), 10_000)).toBeUndefined();
    expect(retryDelayMs(0, 50, '11', 10_000)).toBeUndefined();
  });

  it('backs off exponentially with jitter when there is no Retry-After (or it is malformed)', () => {
    expect(retryDelayMs(0, 50, null, 10_000, () => 0.5)).toBe(50);
    expect(retryDelayMs(2, 50, null, 10_000, () => 0)).toBe(100);
    expect(retryDelayMs(1, 50, 'soon', 10_000, () => 1)).toBe(150);
  });
});
