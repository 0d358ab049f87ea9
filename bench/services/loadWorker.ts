/**
 * The load generator's process: runs autocannon for each job the bench sends over IPC and answers with
 * the throughput, latency percentiles and error counts. Every response body is checked for GraphQL
 * `errors` (a string search, cheap next to the request). Latency is recorded per response and sent
 * back whole, so runs can be merged and any percentile computed (autocannon's summary has no p95).
 */
import autocannon from 'autocannon';
import { summarizeLatencies, type LoadJob, type LoadResult, type LoadWorkerMessage, type LoadWorkerRequest } from '../lib/LoadGenerator';
import { benchData, createScenarios, requestPath } from '../lib/scenarios';

async function run(job: LoadJob): Promise<{ result: LoadResult; latenciesMs: number[] }> {
  const scenario = createScenarios(benchData(job.seed))[job.scenario];
  let next = 0;
  let graphqlErrors = 0;
  const latencies: number[] = [];
  // Without a callback, autocannon returns its event emitter made thenable (its types show only the promise).
  const instance = autocannon({
    url: job.url,
    method: scenario.method ?? 'POST',
    // A GET needs the header the router's CSRF prevention asks for, as the web app sends it.
    headers: scenario.method === 'GET' ? { 'apollo-require-preflight': 'true', ...job.headers } : { 'content-type': 'application/json', ...job.headers },
    connections: job.connections,
    duration: job.durationSeconds,
    timeout: job.timeoutSeconds,
    requests: [
      {
        setupRequest: (request) => {
          const i = next++;
          return scenario.method === 'GET' ? { ...request, path: requestPath(job.url, scenario, i) } : { ...request, body: scenario.body(i) };
        },
        onResponse: (status, body) => {
          if (status >= 200 && status < 300 && body.includes('"errors"')) graphqlErrors++;
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  instance.on('response', (_client, _status, _bytes, responseTime: number) => latencies.push(responseTime));
  const result = await instance;
  const requests = latencies.length;
  const durationSeconds = result.duration;
  return {
    result: {
      requests,
      durationSeconds,
      requestsPerSecond: Math.round((requests / durationSeconds) * 10) / 10,
      latencyMs: summarizeLatencies(latencies),
      non2xx: result.non2xx,
      graphqlErrors,
      socketErrors: result.errors - result.timeouts,
      timeouts: result.timeouts,
      bytesPerRequest: requests > 0 ? Math.round(result.throughput.total / requests) : 0,
    },
    latenciesMs: latencies,
  };
}

process.on('message', (message: LoadWorkerRequest) => {
  if (message.type !== 'run') return;
  run(message.job).then(
    ({ result, latenciesMs }) => process.send?.({ type: 'result', result, latenciesMs } satisfies LoadWorkerMessage),
    (error: unknown) => process.send?.({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies LoadWorkerMessage),
  );
});
// The bench is the parent: when it goes, so does this process.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' } satisfies LoadWorkerMessage);
