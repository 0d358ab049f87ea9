import { Supergraph } from '@apollo/federation-internals';
import { createRandom, generateOperation, type ArgumentSamples } from './kit/generateOperation';
import { ask, startDifferentialStack, type DifferentialStack } from './kit/startRouters';
import { fixtures } from './supergraphs';

/** Ids that exist in each fixture's data, so that generated operations reach entities, not only nulls. */
const samples: Record<string, ArgumentSamples> = {
  project: { id: ['677485800001000000000003', '677485800001000000000001', '6774858000010000000000010000'], first: [1, 3, 10] },
  shop: { upc: ['b0', 'f2', 'b4', 'none'], id: ['r0', 'r7', 'u1'], first: [1, 3, 6] },
  catalog: { id: ['m1', 's1', 's3', 'm9', 'x'] },
};
/** Operations per supergraph: with a fixed seed the same ones every run. */
const operationsPerSupergraph = 40;

/**
 * The fuzz pass: random valid operations generated from each supergraph's API schema (seeded, so a
 * failure names an operation that fails again), run on both executors, answers compared whole.
 */
describe.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('random operations on the %s supergraph', (name, fixture) => {
  let stack: DifferentialStack;
  beforeAll(async () => {
    stack = await startDifferentialStack(fixture);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${operationsPerSupergraph} generated operations as stock Apollo Gateway does`, async () => {
    const apiSchema = Supergraph.build(stack.supergraphSdl).apiSchema().toGraphQLJSSchema();
    const random = createRandom([...name].reduce((seed, character) => seed * 31 + character.charCodeAt(0), 7));
    let withData = 0;
    for (let i = 0; i < operationsPerSupergraph; i++) {
      const { query, variables } = generateOperation(apiSchema, random, samples[name], { omitFields: fixture.fieldsStockGetsWrong });
      const headers = { 'x-request-id': `fuzz-${name}-${i}` };
      const ours = await ask(stack.ours, query, variables, headers);
      const apollo = await ask(stack.apollo, query, variables, headers);
      // On failure the operation is in the message, to replay by hand.
      expect({ query, variables, answer: ours }).toEqual({ query, variables, answer: apollo });
      if ((apollo.body as { data?: unknown }).data) withData++;
    }
    // Most operations must reach data, or the pass compares failures only.
    expect(withData).toBeGreaterThan(operationsPerSupergraph / 2);
  });
});
