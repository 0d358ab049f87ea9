import { resolve } from 'node:path';
import { runScript } from '@fedstack/devkit';

const routerSrc = resolve(__dirname, '..');
const schemaDir = resolve(routerSrc, '../../schema');

/**
 * Whether `JSON.stringify` writes an object keyed by a schema's field names as a two-byte string, after
 * `setup` (a script's body: it loads a gateway) ran in a process of its own. A process of its own: V8's
 * string table is per process, and a name spelt in this test file or loaded by another test would
 * already be in it. The names are read from the schema file, never spelt in the script.
 */
function answerIsTwoByte(setup: string, schemaFile: string): boolean {
  const program = `
    const { readFileSync } = require('node:fs');
    const { serialize } = require('node:v8');
    (async () => {
      ${setup}
      const sdl = readFileSync(${JSON.stringify(resolve(schemaDir, schemaFile))}, 'utf8');
      const names = [...sdl.matchAll(/^\\s+([_A-Za-z]\\w*)\\s*[(:]/gm)].map((match) => match[1]);
      const text = JSON.stringify(Object.fromEntries(names.map((name) => [name, 1])));
      // V8's serialisation tags a string by its encoding: '"' one-byte, 'c' two-byte (after padding).
      const bytes = serialize(text);
      let at = 2;
      while (bytes[at] === 0) at += 1;
      console.log(JSON.stringify({ twoByte: bytes[at] === 'c'.charCodeAt(0), names: names.length }));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const { stdout } = runScript(program, routerSrc);
  const { twoByte, names } = JSON.parse(stdout.trim().split('\n').pop()!) as { twoByte: boolean; names: number };
  expect(names).toBeGreaterThan(10);
  return twoByte;
}

const createGateway = JSON.stringify(resolve(routerSrc, 'execution/createGateway.ts'));
const config = JSON.stringify(resolve(routerSrc, 'config.ts'));

describe('holdSchemaNames', () => {
  it('is needed: stock Apollo Gateway, loading the supergraph, makes its names two-byte, and every answer with them', () => {
    const stock = `
      const { ApolloGateway } = require('@apollo/gateway');
      await new ApolloGateway({ supergraphSdl: readFileSync(${JSON.stringify(resolve(schemaDir, 'supergraph.graphql'))}, 'utf8') }).load();`;
    expect(answerIsTwoByte(stock, 'supergraph.graphql')).toBe(true);
  });

  it('keeps them one-byte through the router\'s gateway over the supergraph file', () => {
    const router = `
      const { createGateway } = require(${createGateway});
      const { loadConfig } = require(${config});
      const { createLogger } = require('@fedstack/server');
      await createGateway(loadConfig({}), createLogger('test', 'silent')).gateway.load();`;
    expect(answerIsTwoByte(router, 'supergraph.graphql')).toBe(false);
  });

  it('keeps them one-byte through live composition, each subgraph\'s held as its schema arrives', () => {
    // Each subgraph answers the composition's `{ _service { sdl } }` from its schema file, in-process.
    const live = `
      const { ApolloGateway, IntrospectAndCompose, LocalGraphQLDataSource } = require('@apollo/gateway');
      const { buildSchema } = require('graphql');
      const { holdingSubgraphNames } = require(${createGateway});
      const dataSource = (file) => {
        const schema = buildSchema('type Query { _service: _Service } type _Service { sdl: String }');
        const sdl = readFileSync(${JSON.stringify(schemaDir)} + '/' + file, 'utf8');
        schema.getQueryType().getFields()._service.resolve = () => ({ sdl });
        return new LocalGraphQLDataSource(schema);
      };
      const subgraphs = [{ name: 'users', url: 'http://users.invalid/graphql' }, { name: 'orders', url: 'http://orders.invalid/graphql' }];
      await new ApolloGateway({
        supergraphSdl: holdingSubgraphNames(new IntrospectAndCompose({ subgraphs })),
        buildService: ({ name }) => dataSource(name + '.graphql'),
      }).load();`;
    expect(answerIsTwoByte(live, 'users.graphql')).toBe(false);
    expect(answerIsTwoByte(live, 'orders.graphql')).toBe(false);
  });
});
