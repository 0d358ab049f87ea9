import type { Fetcher, FetcherResponse } from '@apollo/utils.fetcher';
import { createResilientFetcher, type FetchOutcome, type ResilienceOptions } from './createResilientFetcher';

const options: ResilienceOptions = { timeoutMs: 200, retries: 2, backoffMs: 1, retryBudget: 1, failureThreshold: 3, openMs: 100 };
const query = { method: 'POST', body: JSON.stringify({ query: 'query { users { id } }' }) };
const mutation = { method: 'POST', body: JSON.stringify({ query: 'mutation { placeOrder { id } }' }) };

/** A subgraph stand-in that answers with the given statuses in turn ('hang' never answers), counting calls. */
function subgraph(...answers: Array<number | 'refuse' | 'hang'>) {
  let calls = 0;
  const fetcher: Fetcher = async (_url, init) => {
    const answer = answers[Math.min(calls++, answers.length - 1)]!;
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
});
