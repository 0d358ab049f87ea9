import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Fault, SubgraphFixture } from './types';

/** A running in-memory subgraph. */
export interface RunningSubgraph {
  name: string;
  url: string;
  /** Request bodies received, in order (for tests that count fetches). */
  bodies: string[];
  /** Faults applied to matching requests until cleared. */
  faults: Array<{ fault: Fault; match?: string }>;
  close(): Promise<void>;
}

/** How {@link startSubgraph} serves. */
export interface SubgraphServeOptions {
  /**
   * Answer a request body seen before with the bytes sent then, without executing it again: the bench's
   * subgraphs answer from memory at once, so that the router is what the bench measures.
   */
  memoize?: boolean;
  /** Keep every request body in `bodies` (tests); off in the bench. */
  record?: boolean;
}

/**
 * Serves one subgraph fixture with Apollo Server and @apollo/subgraph over node:http on a free loopback
 * port: a real subgraph over real HTTP, holding its data in memory.
 */
export async function startSubgraph(fixture: SubgraphFixture, options: SubgraphServeOptions = {}): Promise<RunningSubgraph> {
  const apollo = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: parse(fixture.typeDefs), resolvers: fixture.resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const memo = new Map<string, { status: number; headers: Array<[string, string]>; body: string }>();
  const running: RunningSubgraph = { name: fixture.name, url: '', bodies: [], faults: [], close: async () => {} };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (options.record !== false) running.bodies.push(text);
      const fault = running.faults.find((candidate) => candidate.match === undefined || text.includes(candidate.match))?.fault;
      // Never answers: the router's timeout decides. The socket is destroyed when the server closes.
      if (fault === 'hang') return;
      if (fault === 'error-500') {
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal failure');
        return;
      }
      if (fault === 'garbage') {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"data": ');
        return;
      }
      const known = options.memoize ? memo.get(text) : undefined;
      if (known) {
        response.writeHead(known.status, known.headers).end(known.body);
        return;
      }
      void answer(apollo, request.headers, text).then(
        (answered) => {
          if (options.memoize) memo.set(text, answered);
          if (fault === 'wrong-leaf-types' || fault === 'edge-numbers') {
            const { data, ...rest } = JSON.parse(answered.body) as { data?: unknown };
            answered = { ...answered, body: JSON.stringify({ ...rest, data: fault === 'edge-numbers' ? edgeNumbers(data) : wrongLeafTypes(data) }) };
          }
          response.writeHead(answered.status, answered.headers).end(answered.body);
        },
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  running.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await apollo.stop();
  };
  return running;
}

async function answer(apollo: ApolloServer, incoming: NodeJS.Dict<string | string[]>, text: string): Promise<{ status: number; headers: Array<[string, string]>; body: string }> {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(incoming)) if (typeof value === 'string') headers.set(name, value);
  const result = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: 'POST', headers, search: '', body: JSON.parse(text) as unknown },
    context: async () => ({}),
  });
  if (result.body.kind !== 'complete') throw new Error('in-memory subgraphs answer in one part');
  return { status: result.status ?? 200, headers: [...result.headers], body: result.body.string };
}

/** Numbers at the edge of `Int`: stock accepts an integer that prints without an exponent, in any range. */
const edgeValues = [1.5, 1e21, -0, 2 ** 53, 1e20, -1e21, 0.000001];

/** A subgraph's `data` with each number replaced by the next of {@link edgeValues} (JSON sends -0 as 0). */
function edgeNumbers(data: unknown): unknown {
  let next = 0;
  const replace = (value: unknown): unknown => {
    if (typeof value === 'number') return edgeValues[next++ % edgeValues.length];
    if (Array.isArray(value)) return value.map(replace);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replace(inner)]));
    return value;
  };
  return replace(data);
}

/** A subgraph's `data` with values of the wrong type: numbers become strings, booleans numbers; strings stay. */
function wrongLeafTypes(value: unknown): unknown {
  if (typeof value === 'number') return `${value} as text`;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Array.isArray(value)) return value.map(wrongLeafTypes);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, wrongLeafTypes(inner)]));
  return value;
}
