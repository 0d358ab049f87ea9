import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { ErrorCode } from './errors';
import type { Logger } from './logger';

/** The lifecycle of a service: each state only moves forward, so a shutdown is deliberate. */
export type ServiceState = 'initialized' | 'starting' | 'started' | 'stopping' | 'stopped';

/** What a service reports on `GET /health/ready`. */
export interface Readiness {
  ready: boolean;
  /** What is not ready, by name, for an operator to read. */
  checks: Record<string, string>;
}

/** How to serve one Apollo Server over HTTP. */
export interface GraphQLServiceOptions<TContext extends BaseContext> {
  /** Names the service in logs. */
  name: string;
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context (and so the per-request loaders). */
  context: (request: IncomingMessage) => Promise<TContext>;
  host: string;
  /** 0 picks a free port; read the real one from {@link GraphQLService.url}. */
  port: number;
  logger: Logger;
  /** Largest request body accepted, in bytes; more is answered 413. Defaults to 1 MiB. */
  maxBodyBytes?: number;
  /** Answers `GET /health/ready`. Defaults to always ready once started. */
  readiness?: () => Promise<Readiness>;
  /** Runs after the HTTP server and Apollo Server have stopped: close the database here. */
  onStopped?: () => Promise<void>;
  /** Browsers on these origins may call the service (CORS). `*` allows any. Defaults to none. */
  allowedOrigins?: readonly string[];
  /**
   * Answers requests before GraphQL does (a playground page, say): resolves true when it answered.
   * Health endpoints come first and cannot be overridden.
   */
  routes?: RouteHandler;
}

/** A handler for extra routes; resolves true when it wrote the response. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<boolean>;

/** The request headers a browser may send cross-origin. */
const corsAllowedHeaders = [
  'content-type',
  'authorization',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollo-query-plan-experimental',
  'apollo-query-plan-experimental-format',
  'x-request-id',
].join(', ');

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

  constructor(private readonly options: GraphQLServiceOptions<TContext>) {
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  }

  /** Where the service is in its lifecycle. */
  get state(): ServiceState {
    return this.stateValue;
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
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.logger.error('unhandled error while serving a request', error);
        if (!res.headersSent) sendJson(res, 500, errorBody(ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
        else res.end();
      });
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

  /** Stops accepting connections, lets in-flight requests finish, then stops Apollo and runs `onStopped`. */
  async stop(): Promise<void> {
    if (this.stateValue === 'stopping' || this.stateValue === 'stopped') return;
    this.stateValue = 'stopping';
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    }
    await this.options.apollo.stop();
    await this.options.onStopped?.();
    this.stateValue = 'stopped';
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.applyCors(req, res)) return;
    if (url.pathname === '/health/live') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/health/ready') {
      const readiness = this.stateValue !== 'started' ? { ready: false, checks: { server: this.stateValue } } : ((await this.options.readiness?.()) ?? { ready: true, checks: {} });
      return sendJson(res, readiness.ready ? 200 : 503, { status: readiness.ready ? 'ok' : 'unavailable', checks: readiness.checks });
    }
    if (this.options.routes && (await this.options.routes(req, res, url))) return;
    if (url.pathname !== graphqlPath) {
      return sendJson(res, 404, errorBody(ErrorCode.NOT_FOUND, `Nothing is served at ${url.pathname}; GraphQL is at ${graphqlPath}.`));
    }

    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    if (req.method === 'POST') {
      const raw = await readBody(req, this.maxBodyBytes);
      if (raw === undefined) {
        return sendJson(res, 413, errorBody(ErrorCode.BAD_USER_INPUT, `The request body is larger than ${this.maxBodyBytes} bytes.`));
      }
      if ((headers.get('content-type') ?? '').includes('application/json')) {
        try {
          body = raw.length > 0 ? JSON.parse(raw) : undefined;
        } catch {
          return sendJson(res, 400, errorBody(ErrorCode.BAD_USER_INPUT, 'The request body is not valid JSON.'));
        }
      } else {
        body = raw;
      }
    }

    const response = await this.options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: () => this.options.context(req),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
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
      res.setHeader('access-control-expose-headers', 'x-request-id');
    }
    if (req.method !== 'OPTIONS') return false;
    if (res.hasHeader('access-control-allow-origin')) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', corsAllowedHeaders);
      res.setHeader('access-control-max-age', '600');
    }
    res.writeHead(204);
    res.end();
    return true;
  }
}

/** Reads the whole body as text, or returns undefined once it passes `limit` bytes. */
async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function errorBody(code: ErrorCode, message: string) {
  return { errors: [{ message, extensions: { code } }] };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
