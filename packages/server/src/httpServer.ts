import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type ApolloServerPlugin, type BaseContext, type GraphQLRequestContext, type HTTPGraphQLRequest } from '@apollo/server';
import { ErrorCode } from './errors';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import type { SignatureCheck } from './signing';
import { continueTrace, type TraceContext } from './tracing';

/** The lifecycle of a service: each state only moves forward, so a shutdown is deliberate. */
export type ServiceState = 'initialized' | 'starting' | 'started' | 'stopping' | 'stopped';

/** What a service reports on `GET /health/ready`. */
export interface Readiness {
  ready: boolean;
  /** What is not ready, by name, for an operator to read. */
  checks: Record<string, string>;
}

/** What the service knows of one request before Apollo sees it. */
export interface RequestScope {
  /** The caller's `x-request-id` when well-formed, a new UUID otherwise; echoed in the response. */
  requestId: string;
  /** The W3C trace this request belongs to (the caller's `traceparent`, or a new one). */
  trace: TraceContext;
  /** The service's logger, with `requestId` and `traceId` on every line. */
  logger: Logger;
  /** The request's admission, when the service has {@link GraphQLServiceOptions.admission}. */
  ticket?: AdmissionTicket;
}

/**
 * Holds GraphQL requests at the door while the process is saturated: the router's (see
 * router/src/inbound/admission). A request waits with its body read and nothing built from it yet.
 */
export interface RequestAdmission {
  /**
   * Lets a request in, at once or (a promise) when it may go on. `key` tells requests that cost alike
   * and may share one execution: the method, the URL, the `Authorization` header and the body; empty
   * when the body is too long to keep as a key. Every ticket is left once, when the answer is sent or
   * the client left.
   */
  enter(key: string): AdmissionTicket | Promise<AdmissionTicket>;
}

/** One request let in by a {@link RequestAdmission}. */
export interface AdmissionTicket {
  /** What the request's work received from upstream (the router's subgraph answers), in bytes, as counted so far. */
  receivedBytes: number;
  /** The request is over (answered, or its client left): its place goes to the next. */
  leave(): void;
}

/** How to serve one Apollo Server over HTTP. */
export interface GraphQLServiceOptions<TContext extends BaseContext> {
  /** Names the service in logs. */
  name: string;
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context (and so the per-request loaders). */
  context: (request: IncomingMessage, scope: RequestScope) => Promise<TContext>;
  /** Served at `GET /metrics` in Prometheus' text format when given. */
  metrics?: Metrics;
  /**
   * What `GET /metrics` answers instead of `metrics`' own registry: a router worker answers for the
   * whole cluster (router/src/cluster/clusterMetrics.ts).
   */
  collectMetrics?: () => Promise<string>;
  host: string;
  /** 0 picks a free port; read the real one from {@link GraphQLService.url}. */
  port: number;
  logger: Logger;
  /** Largest request body accepted, in bytes; more is answered 413. Defaults to 1 MiB. */
  maxBodyBytes?: number;
  /**
   * How long `stop()` lets in-flight requests finish before closing their connections anyway.
   * Defaults to 10 s (what Docker waits after SIGTERM before it kills).
   */
  shutdownGraceMs?: number;
  /** Answers `GET /health/ready`. Defaults to always ready once started. */
  readiness?: () => Promise<Readiness>;
  /** Runs after the HTTP server and Apollo Server have stopped: close the database here. */
  onStopped?: () => Promise<void>;
  /** Browsers on these origins may call the service (CORS). `*` allows any. Defaults to none. */
  allowedOrigins?: readonly string[];
  /** The request headers those browsers may send (a preflight's `access-control-allow-headers`). Defaults to `content-type`. */
  allowedHeaders?: readonly string[];
  /**
   * Answers requests before GraphQL does (a playground page, say): resolves true when it answered.
   * Health endpoints come first and cannot be overridden.
   */
  routes?: RouteHandler;
  /**
   * Checks a GraphQL request before Apollo sees it (subgraphs: the router's signature). A refusal is
   * answered 401 `UNAUTHENTICATED`, and its reason is logged, not sent.
   */
  verifyRequest?: (request: IncomingMessage, body: string, url: URL) => SignatureCheck;
  /**
   * Sees each GraphQL request once its body is read, before Apollo does: resolves with the request to
   * run (the same or another) or with an answer to send instead. The router's trusted documents use it
   * to turn a document id into the text it stands for, and to refuse what they must before any text is
   * parsed (router/src/inbound/persisted).
   */
  prepareRequest?: (request: HTTPGraphQLRequest, incoming: IncomingMessage, scope: RequestScope) => Promise<PreparedRequest>;
  /** Holds GraphQL requests back, once their body is read, while the process is saturated. */
  admission?: RequestAdmission;
}

/** What {@link GraphQLServiceOptions.prepareRequest} decides: run this request, or send this answer. */
export type PreparedRequest =
  | { kind: 'run'; request: HTTPGraphQLRequest }
  | { kind: 'answer'; status: number; body: unknown; headers?: Record<string, string> };

/** A handler for extra routes; resolves true when it wrote the response. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

/**
 * How much of a refused (too large) body is still read and thrown away, and for how long, before the
 * connection is closed. Closing a socket while the client is still uploading makes the kernel answer
 * with a reset, and most clients (Node's `fetch` and `http` among them) then report `ECONNRESET`
 * instead of the 413 that was already sent. Reading the rest first lets every client see the 413; the
 * bounds keep a client from holding the connection open with an endless or very slow body.
 */
const discardBodyLimitBytes = 64 * 1024 * 1024;
const discardBodyTimeoutMs = 10_000;

/** The longest answer (in UTF-16 code units) whose bytes are kept for the next identical answer: see `bytesOf`. */
const rememberedAnswerChars = 256 * 1024;

/** Longer bodies are weighed as unknown by admission (by the average), not kept as keys. */
const maxAdmissionKey = 4096;

/** The path GraphQL is served at, on every service. */
export const graphqlPath = '/graphql';

/**
 * One Apollo Server behind a plain `node:http` server, with health endpoints and an explicit lifecycle.
 * Both subgraphs and the router run on it, so they parse bodies, answer errors and shut down the same way.
 */
export class GraphQLService<TContext extends BaseContext> {
  private stateValue: ServiceState = 'initialized';
  private server: Server | undefined;
  private readonly maxBodyBytes: number;

  /**
   * Apollo Server's response of each operation being served, by its HTTP request's `HeaderMap` (made
   * once per request in `handle`; the operations of a batch share it), until the answer is written.
   */
  private readonly inProgress = new WeakMap<HeaderMap, Array<GraphQLRequestContext<TContext>['response']>>();

  /** The last answer written, and its bytes: see {@link bytesOf}. */
  private lastText = '';
  private lastBytes = Buffer.alloc(0);

  /** Takes `apollo` before it starts: the service starts it, and adds its own plugin (see {@link releaseAnswers}). */
  constructor(private readonly options: GraphQLServiceOptions<TContext>) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
    options.apollo.addPlugin(this.trackResponses());
  }

  /** Where the service is in its lifecycle. */
  get state(): ServiceState {
    return this.stateValue;
  }

  /** The service's metrics, when it has them. */
  get metrics(): Metrics | undefined {
    return this.options.metrics;
  }

  /** The GraphQL endpoint, once started. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error(`${this.options.name} is not listening (state: ${this.stateValue})`);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}${graphqlPath}`;
  }

  /** Starts Apollo Server, then listens. Resolves with the GraphQL URL. */
  async start(): Promise<string> {
    if (this.stateValue !== 'initialized') throw new Error(`${this.options.name} cannot start from state ${this.stateValue}`);
    this.stateValue = 'starting';
    await this.options.apollo.start();
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      const requestId = acceptRequestId(req.headers['x-request-id']) ?? randomUUID();
      res.setHeader('x-request-id', requestId);
      this.handle(req, res, requestId).catch((error: unknown) => {
        this.options.logger.child({ requestId }).error('unhandled error while serving a request', error);
        if (!res.headersSent) sendJson(res, 500, errorBody(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error', { requestId }));
        else res.end();
      });
    };
    const server = createServer(onRequest);
    // A client that asks before uploading (`Expect: 100-continue`, as curl does for large bodies) is
    // told 413 before it sends a body that would be refused; any other is let go on.
    server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      if (declaredLength(req) > this.maxBodyBytes) {
        res.setHeader('x-request-id', acceptRequestId(req.headers['x-request-id']) ?? randomUUID());
        res.setHeader('connection', 'close');
        sendJson(res, 413, this.payloadTooLarge());
        return;
      }
      res.writeContinue();
      onRequest(req, res);
    });
    server.keepAliveTimeout = 65_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.stateValue = 'started';
    this.options.logger.info(`${this.options.name} listening on ${this.url}`);
    return this.url;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish (answering them with
   * `Connection: close`), closes keep-alive connections as they fall idle, and after the grace period
   * closes whatever is left. Then stops Apollo and runs `onStopped`.
   */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
    this.stateValue = 'stopping';
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), this.options.shutdownGraceMs ?? 10_000);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      });
    }
    await this.options.apollo.stop();
    await this.options.onStopped?.();
    this.stateValue = 'stopped';
  }

  private async handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.stateValue === 'stopping') res.setHeader('connection', 'close');
    if (this.applyCors(req, res)) return;
    if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/metrics' && this.options.metrics) {
      const { registry } = this.options.metrics;
      const text = await (this.options.collectMetrics?.() ?? registry.metrics());
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
      return;
    }
    if (url.pathname === '/health/ready') {
      const readiness = this.stateValue !== 'started' ? { ready: false, checks: { server: this.stateValue } } : ((await this.options.readiness?.()) ?? { ready: true, checks: {} });
      return sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ok' : 'unavailable', checks: readiness.checks });
    }
    if (this.options.routes && (await this.options.routes(req, res, url))) return;
    const trace = continueTrace(req.headers.traceparent);
    const scope: RequestScope = { requestId, trace, logger: this.options.logger.child({ requestId, traceId: trace.traceId }) };
    const started = process.hrtime.bigint();
    res.once('finish', () =>
      scope.logger.debug('served', { method: req.method, path: url.pathname, status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
    );
    if (url.pathname !== graphqlPath) {
      return sendJson(res, 404, errorBody(ErrorCode.NOT_FOUND, `Nothing is served at ${url.pathname}; GraphQL is at ${graphqlPath}.`));
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    const raw = req.method === 'POST' ? await readBody(req, this.maxBodyBytes) : '';
    if (raw === undefined) return refuseBody(req, res, this.payloadTooLarge());
    const check = this.options.verifyRequest?.(req, raw, url);
    if (check && !check.ok) {
      scope.logger.warn(`refused a ${req.method} ${url.pathname} request: ${check.reason}`);
      return sendJson(res, 401, errorBody(ErrorCode.UNAUTHENTICATED, 'This service only answers requests signed by the router.'));
    }
    if (this.options.admission) {
      let gone = false;
      const onGone = () => (gone = true);
      res.once('close', onGone);
      const entered = this.options.admission.enter(raw.length <= maxAdmissionKey ? `${req.method ?? ''} ${req.url ?? ''}\n${req.headers.authorization ?? ''}\n${raw}` : '');
      const ticket = entered instanceof Promise ? await entered : entered;
      res.off('close', onGone);
      // The client left while the request waited: nothing to answer.
      if (gone) return ticket.leave();
      res.once('close', () => ticket.leave());
      scope.ticket = ticket;
    }
    if (req.method === 'POST') {
      if (/^application\/(graphql-response\+)?json\s*(;|$)/i.test(headers.get('content-type') ?? '')) {
        try {
          body = raw.length > 0 ? JSON.parse(raw) : undefined;
        } catch {
          return sendJson(res, 400, errorBody(ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.'));
        }
      } else {
        body = raw;
      }
    }

    let httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method ?? 'GET', headers, search: url.search, body };
    if (this.options.prepareRequest) {
      const prepared = await this.options.prepareRequest(httpGraphQLRequest, req, scope);
      if (prepared.kind === 'answer') {
        for (const [key, value] of Object.entries(prepared.headers ?? {})) res.setHeader(key, value);
        // As Apollo Server answers: a client that accepts GraphQL over HTTP's own media type gets it,
        // and with it reads a 4xx as a GraphQL response (Apollo Client reads a 4xx in plain JSON as a
        // server failure instead, and hides the code).
        const graphqlResponse = /application\/graphql-response\+json/i.test(headers.get('accept') ?? '');
        res.writeHead(prepared.status, { 'content-type': `${graphqlResponse ? 'application/graphql-response+json' : 'application/json'}; charset=utf-8` });
        res.end(JSON.stringify(prepared.body));
        return;
      }
      httpGraphQLRequest = prepared.request;
    }
    try {
      await this.answer(req, res, httpGraphQLRequest, scope, requestId);
    } finally {
      // A batch is answered when its operations are, or as soon as one fails, while the others may still
      // run: its answers are left to the collector.
      if (Array.isArray(httpGraphQLRequest.body)) this.inProgress.delete(httpGraphQLRequest.headers);
      else this.releaseAnswers(httpGraphQLRequest.headers);
    }
  }

  /**
   * An answer's bytes (UTF-8), the last answer's reused when this one is the same text. Written as text,
   * node:http would join its header block and the answer into one string (`OutgoingMessage._send`),
   * a copy of every answer on the V8 heap: half of what the router allocated on gatewayBound with
   * inbound deduplication. Bytes go out beside the header block as they are. Requests that waited
   * for one shared answer (the router's inbound deduplication hands them one text) are written from
   * one encoding; so are identical answers in a row (the same text is found by comparing).
   */
  private bytesOf(text: string): Buffer {
    if (text === this.lastText) return this.lastBytes;
    const bytes = Buffer.from(text, 'utf8');
    // A large answer is not kept after it is written: the text and its bytes would stay in memory
    // until a different answer came.
    const remembered = text.length <= rememberedAnswerChars;
    this.lastText = remembered ? text : '';
    this.lastBytes = remembered ? bytes : Buffer.alloc(0);
    return bytes;
  }

  /** Runs one GraphQL request through Apollo Server and writes its answer. */
  private async answer(req: IncomingMessage, res: ServerResponse, httpGraphQLRequest: HTTPGraphQLRequest, scope: RequestScope, requestId: string): Promise<void> {
    const response = await this.options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest,
      context: () => this.options.context(req, scope),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    // A cache (the browser's, a CDN's) may keep an answer only under what it was chosen by: the format
    // the client accepts, and, unless the answer is public (the same for anyone), who asked. Without
    // `Authorization` here, a browser could hand a private answer to the next token used in the same tab.
    res.setHeader('vary', /\bpublic\b/.test(response.headers.get('cache-control') ?? '') ? 'Origin, Accept' : 'Origin, Accept, Authorization');
    // Stopping began while this request ran: tell the client not to reuse the connection.
    if (this.stateValue === 'stopping') res.setHeader('connection', 'close');
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      // Apollo Server answers an error thrown outside execution (a plugin's, say) with a 500 that no
      // plugin sees: the request id goes on it here, so the client's report matches the log line.
      const text = res.statusCode >= 500 ? withRequestId(response.body.string, requestId) : response.body.string;
      // A status without a body (1xx, 204, 304) gets no Content-Length: node:http leaves it out itself.
      if (res.statusCode < 200 || res.statusCode === 204 || res.statusCode === 304) {
        res.end(text);
        return;
      }
      const bytes = this.bytesOf(text);
      res.setHeader('content-length', bytes.length);
      res.end(bytes);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }

  /** The plugin that tells {@link releaseAnswers} which responses a request's operations have. */
  private trackResponses(): ApolloServerPlugin<TContext> {
    const inProgress = this.inProgress;
    return {
      async requestDidStart({ request, response }) {
        const headers = request.http?.headers;
        if (!headers) return;
        const responses = inProgress.get(headers);
        if (responses) responses.push(response);
        else inProgress.set(headers, [response]);
      },
    };
  }

  /**
   * Drops the answers Apollo Server keeps on a request's responses, once the answer is written.
   *
   * Why: with a gateway, Apollo Server hands the executor a request context whose `response.http.status`
   * is a getter and setter made for each request (its makeGatewayGraphQLRequestContext). V8 keeps what
   * such per-object accessors close over (Apollo's request context, and through its `response` the
   * whole answer tree) alive through every young-generation collection, until the next full one. Each
   * of the router's answers, long sent, was thus copied by a scavenge, then promoted to the old
   * generation, and freed only by a mark-compact: 3–4 MB promoted per scavenge on gateway-bound
   * requests, and scavenges ten times as long (docs/performance.md, "Answers held by an accessor").
   * Nothing reads an answer once it is written, so its tree is cut loose here: what the accessors keep
   * is then a few small objects.
   */
  private releaseAnswers(headers: HeaderMap): void {
    const responses = this.inProgress.get(headers);
    if (!responses) return;
    this.inProgress.delete(headers);
    for (const response of responses) response.body = undefined;
  }

  private payloadTooLarge() {
    return errorBody(ErrorCode.PAYLOAD_TOO_LARGE, `The request body is larger than ${this.maxBodyBytes} bytes.`);
  }

  /**
   * Sets the CORS headers for an allowed origin, and answers a preflight (OPTIONS) itself: resolves true
   * when it did. A disallowed origin gets no CORS headers, so the browser refuses to hand it the answer.
   */
  private applyCors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    const allowed = this.options.allowedOrigins ?? [];
    res.setHeader('vary', 'Origin');
    if (origin && (allowed.includes('*') || allowed.includes(origin))) {
      res.setHeader('access-control-allow-origin', origin);
      // `Age` says an answer came from the router's response cache (`Cache-Control` is readable anyway).
      res.setHeader('access-control-expose-headers', 'x-request-id, age');
    }
    if (req.method !== 'OPTIONS') return false;
    if (res.hasHeader('access-control-allow-origin')) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', (this.options.allowedHeaders ?? ['content-type']).join(', '));
      res.setHeader('access-control-max-age', '600');
    }
    res.writeHead(204);
    res.end();
    return true;
  }
}

/**
 * Takes a caller's request id when it is a short token of safe characters (it ends up in logs and
 * headers), so a request can be followed from the client through the router to the subgraphs.
 */
export function acceptRequestId(value: string | string[] | undefined): string | undefined {
  const id = Array.isArray(value) ? value[0] : value;
  return id && /^[A-Za-z0-9._:-]{1,128}$/.test(id) ? id : undefined;
}

/**
 * Reads the whole body as text, or resolves undefined as soon as it passes `limit` bytes (declared or
 * received), without reading the rest: the caller answers 413 and closes the connection.
 */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  if (declaredLength(req) > limit) return Promise.resolve(undefined);
  return new BodyReader(req, limit).body;
}

/**
 * Reads one request's body. Its listeners are its class's methods, bound per request, not closures made
 * per request: V8 drops the optimised code of closures that die with their request at each full
 * collection and compiles them again (docs/performance.md, "Hooks made once").
 */
class BodyReader {
  readonly body: Promise<string | undefined>;
  private resolve!: (body: string | undefined) => void;
  private reject!: (error: Error) => void;
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly onData = this.data.bind(this);
  private readonly onEnd = this.end.bind(this);
  private readonly onError = this.error.bind(this);

  constructor(
    private readonly req: IncomingMessage,
    private readonly limit: number,
  ) {
    this.body = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    req.on('data', this.onData);
    req.on('end', this.onEnd);
    req.on('error', this.onError);
  }

  private data(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.limit) {
      this.cleanup();
      this.req.pause();
      this.resolve(undefined);
      return;
    }
    this.chunks.push(chunk);
  }

  private end(): void {
    this.cleanup();
    this.resolve(Buffer.concat(this.chunks).toString('utf8'));
  }

  private error(error: Error): void {
    this.cleanup();
    this.reject(error);
  }

  private cleanup(): void {
    this.req.off('data', this.onData);
    this.req.off('end', this.onEnd);
    this.req.off('error', this.onError);
  }
}

/** The body length a request declares (`Content-Length`), or 0 when it declares none. */
function declaredLength(req: IncomingMessage): number {
  return Number(req.headers['content-length'] ?? 0) || 0;
}

/**
 * Answers 413 to a request whose body is too large, in a way every client receives: the whole answer
 * (with its length) is written at once, the rest of the body is read and dropped, and only then is the
 * answer ended and the connection closed. A body declared larger than the discard bound, or one that
 * goes past it or takes too long, gets the connection closed at once.
 */
function refuseBody(req: IncomingMessage, res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
  if (req.readableEnded || declaredLength(req) > discardBodyLimitBytes) {
    res.end(text);
    if (!req.readableEnded) res.once('finish', () => req.destroy());
    return;
  }
  res.write(text);
  let discarded = 0;
  const giveUp = () => {
    clearTimeout(timer);
    req.destroy();
  };
  const timer = setTimeout(giveUp, discardBodyTimeoutMs);
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > discardBodyLimitBytes) giveUp();
  });
  req.once('end', () => {
    clearTimeout(timer);
    res.end();
  });
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

/** Adds `requestId` to each `INTERNAL_SERVER_ERROR` of a JSON error answer; anything else is left as it is. */
function withRequestId(text: string, requestId: string): string {
  let parsed: { errors?: Array<{ extensions?: Record<string, unknown> }> };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return text;
  }
  if (!Array.isArray(parsed.errors)) return text;
  for (const error of parsed.errors) {
    if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) error.extensions.requestId = requestId;
  }
  return JSON.stringify(parsed);
}

function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { ...extensions, code } }] };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
