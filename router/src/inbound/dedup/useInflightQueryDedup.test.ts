import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { exposeGc } from '@fedstack/devkit';
import { createLogger } from '@fedstack/server';
import type { RouterContext } from '../../context';
import { useInflightQueryDedup } from './useInflightQueryDedup';

const logger = createLogger('test', 'silent');
const context = async (): Promise<RouterContext> => ({
  viewer: { userId: 'u1', roles: [] },
  requestId: 'r1',
  trace: { traceId: '1'.repeat(32), spanId: '1'.repeat(16), flags: '01' },
  logger,
  rootNulls: new Set(),
});

/**
 * A server whose `answer` resolves only when the test says, counting how often it ran, and telling
 * `seeAnswer` of each answer's `data` as the client is sent it.
 */
function heldServer(seeAnswer: (data: object) => void) {
  let runs = 0;
  let release: (value: string) => void = () => {};
  const held = new Promise<string>((resolve) => (release = resolve));
  let shared = 0;
  const apollo = new ApolloServer<RouterContext>({
    typeDefs: 'type Query { answer: String! }',
    resolvers: {
      Query: {
        answer: () => {
          runs++;
          return held;
        },
      },
    },
    logger,
    plugins: [
      useInflightQueryDedup(() => shared++),
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response }) {
              if (response.body.kind === 'single' && response.body.singleResult.data) seeAnswer(response.body.singleResult.data);
            },
          };
        },
      },
    ],
  });
  return { apollo, release, runs: () => runs, shared: () => shared };
}

function post(): HTTPGraphQLRequest {
  return { method: 'POST', headers: new HeaderMap([['content-type', 'application/json']]), search: '', body: { query: '{ answer }' } };
}

describe('useInflightQueryDedup', () => {
  it('keeps nothing of a shared answer once every request that waited for it is answered (not for its 30 s wait limit)', async () => {
    const gc = exposeGc();
    const collected: string[] = [];
    const registry = new FinalizationRegistry<string>((name) => collected.push(name));
    // Each distinct answer is registered as it is sent, and held nowhere by the test itself.
    const seen = new WeakSet<object>();
    let distinct = 0;
    const server = heldServer((data) => {
      if (seen.has(data)) return;
      seen.add(data);
      distinct++;
      registry.register(data, `answer ${distinct}`);
    });
    await server.apollo.start();
    try {
      const sent = [server.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: post(), context }), server.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: post(), context })];
      for (let i = 0; i < 1000 && server.shared() === 0; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(server.shared()).toBe(1);
      server.release('42');
      for (const answer of await Promise.all(sent)) expect(answer.body).toEqual({ kind: 'complete', string: '{"data":{"answer":"42"}}\n' });
      expect(server.runs()).toBe(1);
      // Both requests were handed the one execution's data.
      expect(distinct).toBe(1);
      // Bounded: collected at the first full collection once nothing holds it; a kept one never is.
      for (let i = 0; i < 20 && collected.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        gc();
      }
      expect(collected).toEqual(['answer 1']);
    } finally {
      await server.apollo.stop();
    }
  });
});
