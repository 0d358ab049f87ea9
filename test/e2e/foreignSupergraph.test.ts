import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { ConfigError, createLogger, GraphQLService, verifyRequestSignature } from '@fedstack/server';
import { type SubgraphResolvers } from '@fedstack/subgraph';
import { parse } from 'graphql';
import { createGateway, createRouterService, loadConfig, type RouterContext } from '@fedstack/router';
import { routerExecutorEnv } from '../support/routerExecutor';

/**
 * A supergraph that is not ours: subgraphs whose names have a `-` (which no environment variable can
 * hold), served by a router in production mode, configured only through the documented variables.
 */

const federation = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const productsSdl = `${federation} type Query { b: B } type B { a: [A!]! } type A @key(fields: "id") { id: ID! }`;
const namesSdl = `${federation} type A @key(fields: "id") { id: ID! nameInB: String! }`;
const secrets = { 'all-products': 'p'.repeat(40), 'product-names': 'n'.repeat(40) };

/** Composes subgraphs (name → SDL) whose URLs in the supergraph lead nowhere, and writes the supergraph to a file. */
function writeSupergraph(subgraphs: Record<string, string>): string {
  const result = composeServices(Object.entries(subgraphs).map(([name, sdl]) => ({ name, url: 'http://127.0.0.1:9/graphql', typeDefs: parse(sdl) })));
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  const path = join(mkdtempSync(join(tmpdir(), 'foreign-')), 'supergraph.graphql');
  writeFileSync(path, result.supergraphSdl);
  return path;
}

/** A subgraph that answers only requests signed with `secret`, as ours do. */
async function startSubgraph(name: string, sdl: string, resolvers: SubgraphResolvers, secret: string): Promise<GraphQLService<BaseContext>> {
  const service = new GraphQLService<BaseContext>({
    name,
    apollo: new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(sdl), resolvers }), plugins: [ApolloServerPluginInlineTraceDisabled()] }),
    context: async () => ({}),
    host: '127.0.0.1',
    port: 0,
    logger: createLogger(name, 'silent'),
    verifyRequest: (request, body, url) =>
      verifyRequestSignature(secret, request.headers, { method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, body }, { nowSeconds: Math.floor(Date.now() / 1000), windowSeconds: 30 }),
  });
  await service.start();
  return service;
}

describe('a foreign supergraph with subgraphs named all-products and product-names', () => {
  const supergraphPath = writeSupergraph({ 'all-products': productsSdl, 'product-names': namesSdl });
  let products: GraphQLService<BaseContext>;
  let names: GraphQLService<BaseContext>;
  let router: GraphQLService<RouterContext>;
  // Operation text, as a foreign graph's clients would send without a manifest for this router.
  const production = { NODE_ENV: 'production', AUTH_JWT_SECRET: 'j'.repeat(40), SUPERGRAPH_PATH: supergraphPath, LOG_LEVEL: 'silent', PERSISTED_DOCUMENTS: 'allow' };

  beforeAll(async () => {
    products = await startSubgraph('all-products', productsSdl, { Query: { b: () => ({ a: [{ id: '1' }] }) } }, secrets['all-products']);
    // The entity is not found: `_entities` answers null, and A.nameInB, a non-null field, has no value.
    names = await startSubgraph('product-names', namesSdl, { A: { __resolveReference: () => null } }, secrets['product-names']);
    router = createRouterService(
      loadConfig({
        ...routerExecutorEnv(),
        ...production,
        ROUTER_HOST: '127.0.0.1',
        ROUTER_PORT: '0',
        SUBGRAPH_ALL_PRODUCTS_URL: products.url,
        SUBGRAPH_ALL_PRODUCTS_SECRET: secrets['all-products'],
        SUBGRAPH_PRODUCT_NAMES_URL: names.url,
        SUBGRAPH_PRODUCT_NAMES_SECRET: secrets['product-names'],
        SUBGRAPH_PRODUCT_NAMES_TIMEOUT_MS: '5000',
      }),
    );
    await router.start();
  });
  afterAll(async () => {
    await router?.stop();
    await Promise.all([products?.stop(), names?.stop()]);
  });

  it('is configured by SUBGRAPH_ALL_PRODUCTS_* and SUBGRAPH_PRODUCT_NAMES_*, and signs each call with its own secret', async () => {
    const response = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ b { a { id } } }' }) });
    expect(await response.json()).toEqual({ data: { b: { a: [{ id: '1' }] } } });
  });

  it('keeps the note that explains a null no subgraph chose (a non-null field that came back empty)', async () => {
    const response = await fetch(router.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ b { a { id nameInB } } }' }) });
    expect(await response.json()).toEqual({
      data: { b: null },
      extensions: { valueCompletion: [{ message: 'Cannot return null for non-nullable field A.nameInB.', path: ['b', 'a', 0, 'nameInB'], extensions: { code: 'INVALID_GRAPHQL' } }] },
    });
  });

  it('refuses a SUBGRAPH_ variable spelt with the subgraph\'s own -, naming the spelling to use', () => {
    expect(() => loadConfig({ ...production, 'SUBGRAPH_ALL-PRODUCTS_SECRET': secrets['all-products'] })).toThrow(
      'SUBGRAPH_ALL-PRODUCTS_SECRET: subgraph settings are named with upper-case letters, digits and _ only (every other character of the subgraph\'s name becomes _): set SUBGRAPH_ALL_PRODUCTS_SECRET instead.',
    );
  });

  it('asks for each subgraph\'s secret in production by its variable name', () => {
    const config = loadConfig({ ...production, SUBGRAPH_ALL_PRODUCTS_SECRET: secrets['all-products'] });
    expect(() => createGateway(config, createLogger('test', 'silent'))).toThrow('Set SUBGRAPH_PRODUCT_NAMES_SECRET: in production every subgraph needs its own signing secret.');
  });
});

describe('subgraph names that map to the same variables', () => {
  it('are refused at start-up, naming both', () => {
    const path = writeSupergraph({ 'all-products': productsSdl, all_products: `${federation} type Query { other: String }` });
    expect(() => createGateway(loadConfig({ SUPERGRAPH_PATH: path }), createLogger('test', 'silent'))).toThrow(ConfigError);
    expect(() => createGateway(loadConfig({ SUPERGRAPH_PATH: path }), createLogger('test', 'silent'))).toThrow(
      /The subgraphs "(all-products|all_products)" and "(all_products|all-products)" in .* would both be configured by SUBGRAPH_ALL_PRODUCTS_\*/,
    );
  });

  it('and a setting for no subgraph is refused, listing each subgraph with its variable name', () => {
    const path = writeSupergraph({ 'all-products': productsSdl, 'product-names': namesSdl });
    expect(() => createGateway(loadConfig({ SUPERGRAPH_PATH: path, SUBGRAPH_PRODUCTS_TIMEOUT_MS: '100' }), createLogger('test', 'silent'))).toThrow(
      /SUBGRAPH_PRODUCTS_TIMEOUT_MS names no subgraph in .*; the subgraphs are: all-products \(SUBGRAPH_ALL_PRODUCTS_\*\), product-names \(SUBGRAPH_PRODUCT_NAMES_\*\)\./,
    );
  });
});
