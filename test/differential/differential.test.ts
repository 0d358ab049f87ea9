import { ask, startDifferentialStack, type DifferentialStack } from './kit/startRouters';
import type { OperationCase } from './kit/types';
import { fixtures } from './supergraphs';

/**
 * The router's executor against stock Apollo Gateway's, on the same supergraph, the same subgraphs and
 * the same data: every operation must give the same status and the same body (data, errors with their
 * messages, paths and codes, extensions). Where stock is wrong by the spec, the case says what the spec
 * asks for and the router must give that instead (docs/federation.md lists them).
 */
describe.each(fixtures.map((fixture) => [fixture.name, fixture] as const))('the %s supergraph', (_name, fixture) => {
  let stack: DifferentialStack;
  beforeAll(async () => {
    stack = await startDifferentialStack(fixture);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const title = (operation: OperationCase) => `answers ${operation.name} ${operation.specAnswer && !operation.specPending ? 'as the spec asks, where stock Apollo Gateway does not' : 'as stock Apollo Gateway does'}`;
  it.each(fixture.operations.map((operation) => [title(operation), operation] as const))('%s', async (_title, operation) => {
    for (const { subgraph, fault, match } of operation.faults ?? []) stack.subgraphs.get(subgraph)!.faults.push({ fault, match });
    try {
      // One request id for both: masked errors carry it.
      const headers = { 'x-request-id': `differential-${fixture.name}` };
      const ours = await ask(stack.ours, operation.query, operation.variables, headers);
      const apollo = await ask(stack.apollo, operation.query, operation.variables, headers);
      const body = apollo.body as { data?: unknown; errors?: unknown[] };
      // Both failing alike (a fixture that does not work) must not pass: the case says what stock answers.
      expect(body.errors !== undefined).toBe(operation.errors ?? false);
      if (!operation.errors) expect(body.data).toEqual(expect.any(Object));
      if (operation.specAnswer && operation.specPending) {
        expect(apollo.body).not.toEqual(operation.specAnswer.body);
        expect(ours).toEqual(apollo);
      } else if (operation.specAnswer) {
        expect(ours.body).toEqual(operation.specAnswer.body);
        expect(apollo.body).not.toEqual(operation.specAnswer.body);
      } else {
        expect(ours).toEqual(apollo);
      }
    } finally {
      for (const subgraph of stack.subgraphs.values()) subgraph.faults.length = 0;
    }
  });
});
