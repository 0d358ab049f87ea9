import { request } from 'node:http';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { ApolloServer, type ApolloServerOptionsWithGateway, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext } from '@apollo/server';
import { buildSchema } from 'graphql';
import { exposeGc, writeFiller } from '@fedstack/devkit';
import { useErrorReporting } from './errors';
import { GraphQLService, type AdmissionTicket, type RequestAdmission, type RequestScope } from './httpServer';
import { createLogger, type Logger } from './logger';

const typeDefs = `type Query { slow(ms: Int!): String! fast: String! }`;
/** Resolves once a `slow` resolver has started: the request is in flight, whatever the machine's load. */
let slowStarted: Promise<void>;
let markSlowStarted: () => void = () => {};
let slowFinished = false;
const resolvers = {
  Query: {
    slow: async (_: unknown, { ms }: { ms: number }) => {
      markSlowStarted();
      // Unreferenced: a request the test abandons (past the grace period) does not keep jest alive for its minute.
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
      slowFinished = true;
      return 'done';
    },
    fast: () => 'ok',
  },
};
beforeEach(() => {
  slowFinished = false;
  slowStarted = new Promise((resolve) => (markSlowStarted = resolve));
});

function createService(
  shutdownGraceMs?: number,
  options: { maxBodyBytes?: number; plugins?: ApolloServerPlugin<{ logger: Logger }>[]; logger?: Logger; admission?: RequestAdmission; allowBatchedHttpRequests?: boolean } = {},
) {
  return new GraphQLService<{ logger: Logger }>({
    name: 'test',
    apollo: new ApolloServer<{ logger: Logger }>({
      typeDefs,
      resolvers,
      stopOnTerminationSignals: false,
      plugins: options.plugins,
      logger: options.logger ?? createLogger('test', 'silent'),
      allowBatchedHttpRequests: options.allowBatchedHttpRequests,
    }),
    context: async (_request, scope: RequestScope) => ({ logger: scope.logger }),
    host: '127.0.0.1',
    port: 0,
    logger: options.logger ?? createLogger('test', 'silent'),
    shutdownGraceMs,
    maxBodyBytes: options.maxBodyBytes,
    admission: options.admission,
  });
}

/**
 * An admission that lets one request in at a time, and the next only when the test says so: what the
 * door must do with each (wait, go on, and leave once) without the router's controller.
 */
function oneAtATime() {
  const keys: string[] = [];
  const waiting: Array<(ticket: AdmissionTicket) => void> = [];
  let inside = 0;
  let left = 0;
  const ticket = (): AdmissionTicket => ({
    receivedBytes: 0,
    leave() {
      inside--;
      left++;
    },
  });
  const admission: RequestAdmission = {
    enter(key) {
      keys.push(key);
      if (inside === 0 && waiting.length === 0) {
        inside++;
        return ticket();
      }
      return new Promise((resolve) => waiting.push(resolve));
    },
  };
  return {
    admission,
    keys,
    get waiting() {
      return waiting.length;
    },
    get left() {
      return left;
    },
    /** Lets the longest-waiting request in. */
    next() {
      inside++;
      waiting.shift()!(ticket());
    },
  };
}

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];

/**
 * A gateway (what the router gives Apollo Server) whose executor answers every operation with `items`
 * objects: Apollo Server then runs each request through its gateway path, as the router's.
 */
function itemsGateway(items: number): Gateway {
  const apiSchema = buildSchema('type Item { id: ID! name: String! } type Query { items: [Item!]! }');
  let onLoad: Parameters<Gateway['onSchemaLoadOrUpdate']>[0] = () => {};
  const executor = async () => ({ data: { items: Array.from({ length: items }, (_, i) => ({ id: `i${i}`, name: `Item ${i}` })) } });
  return {
    async load() {
      onLoad({ apiSchema, coreSupergraphSdl: '' });
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      onLoad = callback;
      return () => {};
    },
    async stop() {},
  };
}

/** Bytes in V8's old generation. */
function oldGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size;
}

/** Polls `probe` until it holds, up to a bound (never a fixed sleep). */
async function until(what: string, probe: () => boolean): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (probe()) return;
    await new Promise((resolve) => setImmediate(resolve));
    if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** A logger that keeps each line with the bindings of the logger that wrote it. */
function recordingLogger(lines: Array<{ bindings: Record<string, unknown>; text: string }>, bindings: Record<string, unknown> = {}): Logger {
  const write = (...message: unknown[]) => lines.push({ bindings, text: message.map((part) => (part instanceof Error ? part.message : String(part))).join(' ') });
  return { debug: write, info: write, warn: write, error: write, child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}

/** Sends `size` bytes with Node's `http` client after asking first (`Expect: 100-continue`); `continued` tells whether the server said go on. */
function httpBody(url: string, size: number, headers: Record<string, string> = {}): Promise<{ status: number; code: unknown; continued?: boolean } | { error: string }> {
  const asks = headers.expect === '100-continue';
  return new Promise((resolve) => {
    let continued = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(size), ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => {
        const code = (JSON.parse(body) as { errors?: Array<{ extensions?: { code?: string } }> }).errors?.[0]?.extensions?.code;
        resolve({ status: res.statusCode ?? 0, code, ...(asks ? { continued } : {}) });
        req.destroy();
      });
    });
    req.on('error', (error) => resolve({ error: error.message }));
    const send = () => writeFiller(req, size);
    if (asks) {
      req.on('continue', () => {
        continued = true;
        send();
      });
      req.flushHeaders();
    } else {
      send();
    }
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
  it('holds a GraphQL request at its admission, with its body read, and every ticket is left once (the client that left while waiting too)', async () => {
    const door = oneAtATime();
    const service = createService(undefined, { admission: door.admission });
    const url = await service.start();
    try {
      const first = post(url, '{ slow(ms: 50) }');
      await slowStarted;
      // The second waits at the door while the first runs: its resolver has not started.
      const second = post(url, '{ fast }');
      await until('the second request at the door', () => door.waiting === 1);
      expect(door.keys[1]).toBe('POST /graphql\n\n{"query":"{ fast }"}');
      // A third whose client gives up while it waits.
      const third = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
      third.on('error', () => {});
      third.end(JSON.stringify({ query: '{ fast }' }));
      await until('the third request at the door', () => door.waiting === 2);
      third.destroy();

      expect(JSON.parse((await first).body)).toEqual({ data: { slow: 'done' } });
      await until('the first ticket left', () => door.left === 1);
      door.next();
      expect(JSON.parse((await second).body)).toEqual({ data: { fast: 'ok' } });
      await until('the second ticket left', () => door.left === 2);
      // Its client is gone: let in, it answers no one and leaves at once (else the door stays shut).
      door.next();
      await until('the third ticket left', () => door.left === 3);
      expect(door.waiting).toBe(0);
      // Health and metrics never wait at the door.
      expect(door.keys).toHaveLength(3);
    } finally {
      await service.stop();
    }
  });

  it('sends each answer with its length in bytes, an ASCII one and one with characters beyond it', async () => {
    const service = createService();
    const url = await service.start();
    try {
      const ask = async (query: string) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
        const bytes = Buffer.from(await response.arrayBuffer());
        return { status: response.status, length: response.headers.get('content-length'), bytes, body: JSON.parse(bytes.toString('utf8')) as unknown };
      };
      const ascii = await ask('{ fast }');
      expect(ascii.body).toEqual({ data: { fast: 'ok' } });
      expect(ascii.length).toBe(String(ascii.bytes.length));
      // The value is quoted in the validation error's message, as UTF-8.
      const beyond = await ask('{ slow(ms: "déjà vu ✓") }');
      expect(beyond.status).toBe(400);
      expect(JSON.stringify(beyond.body)).toContain('déjà vu ✓');
      expect(beyond.length).toBe(String(beyond.bytes.length));
      // Characters beyond ASCII: more bytes than UTF-16 code units.
      expect(beyond.bytes.length).toBeGreaterThan(beyond.bytes.toString('utf8').length);
      // The last answer's bytes are reused only for the same text: answers of one length in a row,
      // different, then the same again, each get their own.
      // The last two answers are past the length whose bytes are kept: each is encoded on its own.
      for (const value of ['aaaa', 'bbbb', 'bbbb', 'aaaa', 'ééé', 'x'.repeat(300_000), 'x'.repeat(300_000)]) {
        const answer = await ask(`{ slow(ms: "${value}") }`);
        expect(answer.body).toMatchObject({ errors: [{ message: `Int cannot represent non-integer value: "${value}"` }] });
        expect(answer.length).toBe(String(answer.bytes.length));
      }
    } finally {
      await service.stop();
    }
  });

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
    await slowStarted;
    await service.stop();
    // stop() resolved only after the request in flight had finished.
    expect(slowFinished).toBe(true);
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ data: { slow: 'done' } });
    expect(answer.connection).toBe('close');
  });

  it('closes a request that outlives the grace period, and still stops', async () => {
    const service = createService(200);
    const url = await service.start();
    const hung = post(url, '{ slow(ms: 60000) }').then(
      () => 'answered',
      (error: Error) => error.message,
    );
    await slowStarted;
    await service.stop();
    // Stopped while the request's resolver was still running: its connection was closed, not awaited.
    expect(slowFinished).toBe(false);
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

  describe('a body over the limit', () => {
    const limit = 1024 * 1024;
    let service: ReturnType<typeof createService>;
    let url: string;
    beforeAll(async () => {
      service = createService(undefined, { maxBodyBytes: limit });
      url = await service.start();
    });
    afterAll(() => service.stop());

    it('answers 413 before the body is sent to a client that asks first (Expect: 100-continue)', async () => {
      expect(await httpBody(url, 12 * 1024 * 1024, { expect: '100-continue' })).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE', continued: false });
    });

    it('lets a client that asks first send a body within the limit', async () => {
      const answer = await new Promise<{ status: number; body: string; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const body = JSON.stringify({ query: '{ fast }' });
        const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), expect: '100-continue' } }, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, continued }));
        });
        req.on('error', reject);
        req.on('continue', () => {
          continued = true;
          req.end(body);
        });
        req.flushHeaders();
      });
      expect(answer).toEqual({ status: 200, body: JSON.stringify({ data: { fast: 'ok' } }) + '\n', continued: true });
    });

    it('still serves requests afterwards', async () => {
      expect(JSON.parse((await post(url, '{ fast }')).body)).toEqual({ data: { fast: 'ok' } });
    });
  });

  it("drops Apollo Server's copy of an answer once it is written, leaves a batch's alone, and every client gets its whole answer", async () => {
    const seen: Array<GraphQLRequestContext<{ logger: Logger }>['response']> = [];
    const recordResponses: ApolloServerPlugin<{ logger: Logger }> = {
      async requestDidStart({ response }) {
        seen.push(response);
      },
    };
    const service = createService(undefined, { plugins: [recordResponses], allowBatchedHttpRequests: true });
    const url = await service.start();
    try {
      const single = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ fast }' }) });
      expect(await single.json()).toEqual({ data: { fast: 'ok' } });
      const batch = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ query: '{ fast }' }, { query: '{ a: fast }' }]) });
      expect(await batch.json()).toEqual([{ data: { fast: 'ok' } }, { data: { a: 'ok' } }]);
      expect(seen).toHaveLength(3);
      await until('the single answer dropped', () => seen[0]!.body === undefined);
      // A batch may answer while one of its operations still runs (one failed early): nothing is cut.
      expect(seen.slice(1).map((response) => response.body?.kind)).toEqual(['single', 'single']);
    } finally {
      await service.stop();
    }
  });

  it('lets answers through a gateway die young: they do not pile up in the old generation', async () => {
    // Apollo Server hands a gateway's executor per-request accessors that V8 keeps alive until a full
    // collection (see releaseAnswers); without the release, every answer below is promoted: 20 MB and more.
    const gc = exposeGc();
    const items = 10_000;
    const logger = createLogger('test', 'silent');
    const service = new GraphQLService<BaseContext>({
      name: 'test',
      apollo: new ApolloServer<BaseContext>({ gateway: itemsGateway(items), logger, stopOnTerminationSignals: false }),
      context: async () => ({}),
      host: '127.0.0.1',
      port: 0,
      logger,
    });
    const url = await service.start();
    try {
      const ask = async () => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ items { id name } }' }) });
        return ((await response.json()) as { data: { items: unknown[] } }).data.items.length;
      };
      expect(await ask()).toBe(items);
      // What one answer's tree takes in the heap (young or old), kept alive on purpose.
      gc({ type: 'major', execution: 'sync' });
      const empty = getHeapStatistics().used_heap_size;
      const kept = Array.from({ length: items }, (_, i) => ({ id: `i${i}`, name: `Item ${i}` }));
      gc({ type: 'major', execution: 'sync' });
      const treeBytes = getHeapStatistics().used_heap_size - empty;
      expect(kept).toHaveLength(items);
      expect(treeBytes).toBeGreaterThan(items * 32);

      gc({ type: 'major', execution: 'sync' });
      const before = oldGenerationBytes();
      const requests = 20;
      for (let i = 0; i < requests; i++) expect(await ask()).toBe(items);
      // Two young collections: what is still held after the first is promoted by the second.
      gc({ type: 'minor', execution: 'sync' });
      gc({ type: 'minor', execution: 'sync' });
      expect(oldGenerationBytes() - before).toBeLessThan((requests * treeBytes) / 4);
    } finally {
      await service.stop();
    }
  });

  it('puts the request id on a 500 from a failing plugin, and on its log line', async () => {
    const lines: Array<{ bindings: Record<string, unknown>; text: string }> = [];
    const logger = recordingLogger(lines);
    const failing: ApolloServerPlugin<{ logger: Logger }> = {
      async requestDidStart() {
        return {
          async responseForOperation() {
            throw new Error('a plugin bug');
          },
        };
      },
    };
    const service = createService(undefined, { plugins: [failing, useErrorReporting(logger)], logger });
    const url = await service.start();
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'report-42' }, body: JSON.stringify({ query: '{ fast }' }) });
    await service.stop();
    expect(response.status).toBe(500);
    expect(response.headers.get('x-request-id')).toBe('report-42');
    const body = (await response.json()) as { errors: Array<{ extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'report-42' });
    expect(lines.filter((line) => line.bindings.requestId === 'report-42' && line.text.includes('a plugin bug'))).toHaveLength(1);
  });
});
