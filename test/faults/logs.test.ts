import { randomBytes } from 'node:crypto';
import { developmentSigningSecret, signatureHeaders, signRequest } from '@fedstack/server';
import { freePort } from '@fedstack/devkit';
import { startServiceProcess, waitUntilReady, type ServiceProcess } from '../support/serviceProcess';
import { waitFor } from '../support/waitFor';

/** The log is JSON lines on stderr: every line about a request carries its request id and trace id. */
describe('the logs of a subgraph process', () => {
  let service: ServiceProcess;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    service = startServiceProcess('subgraphs/orders/src/index.ts', {
      MONGO_URL: process.env.MONGO_URL ?? '',
      ORDERS_PORT: String(port),
      ORDERS_HOST: '127.0.0.1',
      ORDERS_DB_NAME: `logs${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'debug',
    });
    url = `http://127.0.0.1:${port}/graphql`;
    await waitUntilReady(service, `http://127.0.0.1:${port}`);
  }, 60_000);
  afterAll(() => service.kill());

  const lines = () =>
    service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('writes JSON lines with the time, the level by name, the service and the pid', () => {
    const first = lines()[0]!;
    expect(first).toMatchObject({ level: expect.any(String), service: 'orders', pid: service.pid });
    expect(new Date(String(first.time)).toISOString()).toBe(first.time);
  });

  it('puts the caller\'s request id and trace id on the lines about its request', async () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signRequest(developmentSigningSecret('orders'), { method: 'POST', path: '/graphql', timestamp, userId: '', roles: '', body });
    const traceId = 'a'.repeat(31) + 'b';
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'log-test-1',
        traceparent: `00-${traceId}-${'c'.repeat(16)}-01`,
        [signatureHeaders.timestamp]: String(timestamp),
        [signatureHeaders.signature]: signature,
      },
      body,
    });
    expect(response.status).toBe(200);
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'log-test-2' }, body });
    expect(unsigned.status).toBe(401);

    // The lines reach us through a pipe, after the answers: wait for them (bounded), not for a while.
    const served = await waitFor('logged "served" for log-test-1', () => lines().find((line) => line.requestId === 'log-test-1' && line.msg === 'served'));
    expect(served).toMatchObject({ traceId, status: 200, path: '/graphql', level: 'debug' });
    const refused = await waitFor('logged "refused" for log-test-2', () => lines().find((line) => line.requestId === 'log-test-2' && String(line.msg).startsWith('refused')));
    expect(refused).toMatchObject({ level: 'warn', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });
});
