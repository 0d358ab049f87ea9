import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createLogger, GraphQLService } from '@fedstack/server';
import { parse } from 'graphql';
import { demoUsers } from '@fedstack/devkit';
import { asAdmin } from '../support/auth';
import { postGraphQL, useDefaultHeaders } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';
import { waitFor } from '../support/waitFor';

// These tests are about data, not access (test/e2e/security.test.ts is): they ask as an admin.
beforeAll(async () => useDefaultHeaders(await asAdmin()));

const seed = { users: 5, orders: 20 };
const user = demoUsers(1)[0]!;
const query = `query($id: ID!) { user(id: $id) { name orders(first: 1) { totalCount } } }`;

describe('live mode', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ seed, env: { SUPERGRAPH_MODE: 'live' } });
  });
  afterAll(() => stack.stop());

  it('composes the supergraph from the running subgraphs and serves it', async () => {
    const { body } = await postGraphQL(stack.routerUrl, query, { id: user._id.toHexString() });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ user: { name: user.name, orders: { totalCount: expect.any(Number) } } });
  });
});

describe('live mode, when a subgraph changes', () => {
  let stack: Stack;
  let extra: GraphQLService<BaseContext>;
  let extraPort: number;
  const startExtra = async (typeDefs: string, port: number) => {
    const service = new GraphQLService<BaseContext>({
      name: 'extra',
      apollo: new ApolloServer({
        schema: buildSubgraphSchema({ typeDefs: parse(typeDefs), resolvers: { Query: { hello: () => 'hi', added: () => 'new' } } }),
        plugins: [ApolloServerPluginInlineTraceDisabled()],
      }),
      context: async () => ({}),
      host: '127.0.0.1',
      port,
      logger: createLogger('extra', 'silent'),
    });
    await service.start();
    return service;
  };
  const sdl = (fields: string) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"]) type Query { ${fields} }`;

  beforeAll(async () => {
    extra = await startExtra(sdl('hello: String'), 0);
    extraPort = Number(new URL(extra.url).port);
    const dir = mkdtempSync(join(tmpdir(), 'subgraphs-'));
    const list = JSON.parse(readFileSync(resolve(__dirname, '../../schema/subgraphs.json'), 'utf8')) as Array<{ name: string; url: string; schema: string }>;
    list.push({ name: 'extra', url: extra.url, schema: 'extra.graphql' });
    writeFileSync(join(dir, 'subgraphs.json'), JSON.stringify(list));
    stack = await startStack({ seed, env: { SUPERGRAPH_MODE: 'live', SUBGRAPHS_PATH: join(dir, 'subgraphs.json'), SUPERGRAPH_POLL_INTERVAL_MS: '200' } });
  });
  afterAll(async () => {
    await stack.stop();
    await extra.stop();
  });

  it('serves the new field without a restart of the router', async () => {
    expect((await postGraphQL(stack.routerUrl, '{ hello }')).body).toEqual({ data: { hello: 'hi' } });
    expect((await postGraphQL(stack.routerUrl, '{ added }')).body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await extra.stop();
    extra = await startExtra(sdl('hello: String added: String'), extraPort);
    // The router polls every 200 ms: wait (bounded) until it has composed the new schema.
    const body = await waitFor(
      'served the new field',
      async () => {
        const answer = (await postGraphQL(stack.routerUrl, '{ added }')).body;
        return answer.errors ? undefined : answer;
      },
      { everyMs: 200 },
    );
    expect(body).toEqual({ data: { added: 'new' } });
  });
});

describe('a supergraph file given by path', () => {
  let stack: Stack;
  beforeAll(async () => {
    // A copy elsewhere stands for a supergraph composed by someone else's tooling.
    const path = join(mkdtempSync(join(tmpdir(), 'supergraph-')), 'theirs.graphql');
    writeFileSync(path, readFileSync(resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8'));
    stack = await startStack({ seed, env: { SUPERGRAPH_PATH: path } });
  });
  afterAll(() => stack.stop());

  it('is served like the checked-in one', async () => {
    const { body } = await postGraphQL(stack.routerUrl, query, { id: user._id.toHexString() });
    expect(body.data).toEqual({ user: { name: user.name, orders: { totalCount: expect.any(Number) } } });
  });
});
