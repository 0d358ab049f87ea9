import { request } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { GraphQLService } from './httpServer';
import { createLogger } from './logger';

const typeDefs = `type Query { slow(ms: Int!): String! fast: String! }`;
const resolvers = {
  Query: {
    slow: async (_: unknown, { ms }: { ms: number }) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return 'done';
    },
    fast: () => 'ok',
  },
};

function createService(shutdownGraceMs?: number) {
  return new GraphQLService({
    name: 'test',
    apollo: new ApolloServer({ typeDefs, resolvers, stopOnTerminationSignals: false }),
    context: async () => ({}),
    host: '127.0.0.1',
    port: 0,
    logger: createLogger('test', 'silent'),
    shutdownGraceMs,
  });
}

/** POSTs over a keep-alive connection, as a router's pooled client does, and resolves with the status. */
function post(url: string, query: string, agentKeepAlive = true): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', connection: agentKeepAlive ? 'keep-alive' : 'close' } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

describe('GraphQLService', () => {
  it('moves through its lifecycle states', async () => {
    const service = createService();
    expect(service.state).toBe('initialized');
    await service.start();
    expect(service.state).toBe('started');
    await service.stop();
    expect(service.state).toBe('stopped');
    await expect(service.start()).rejects.toThrow('cannot start from state stopped');
  });

  it('lets a request in flight finish when stopped, answers it with Connection: close, then stops', async () => {
    const service = createService();
    const url = await service.start();
    const inFlight = post(url, '{ slow(ms: 400) }');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await service.stop();
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { slow: 'done' } });
    expect(answer.connection).toBe('close');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('closes a request that outlives the grace period, and still stops', async () => {
    const service = createService(200);
    const url = await service.start();
    const hung = post(url, '{ slow(ms: 5000) }').then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    await service.stop();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await hung).toMatch(/socket hang up|ECONNRESET/);
  });

  it('answers a chunked body over the limit with 413 without reading it all', async () => {
    const service = new GraphQLService({
      name: 'test',
      apollo: new ApolloServer({ typeDefs, resolvers, stopOnTerminationSignals: false }),
      context: async () => ({}),
      host: '127.0.0.1',
      port: 0,
      logger: createLogger('test', 'silent'),
      maxBodyBytes: 1024,
    });
    const url = await service.start();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"query": "');
      req.write('x'.repeat(4096));
      req.end('"}');
    });
    expect(status).toBe(413);
    await service.stop();
  });
});
