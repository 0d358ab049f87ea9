import { ask, startDifferentialStack, type DifferentialStack } from './kit/startRouters';
import { gatewayBoundQuery, shopFixture } from './supergraphs/shop';

/**
 * With `ROUTER_DEDUPE_REPRESENTATIONS=true` (the default), each distinct representation of an `_entities` fetch is
 * sent once: the shop's products are reached through many reviews, and stock Apollo Gateway sends one
 * representation per place. Here: what reaches the subgraphs, and the same answers (errors at every
 * place included: the shop's `restockInDays` case) as stock's.
 */
describe('representations sent to subgraphs', () => {
  let stack: DifferentialStack;
  let unshared: DifferentialStack;
  beforeAll(async () => {
    stack = await startDifferentialStack(shopFixture(), { ROUTER_DEDUPE_REPRESENTATIONS: 'true' });
    unshared = await startDifferentialStack(shopFixture(), { ROUTER_DEDUPE_REPRESENTATIONS: 'false' });
  });
  afterAll(async () => {
    await stack?.stop();
    await unshared?.stop();
  });

  /** Per `_entities` fetch, in the order sent: the subgraph, how many representations, how many distinct. */
  async function representationsSent(target: DifferentialStack, router: 'ours' | 'apollo', query: string, variables?: Record<string, unknown>) {
    for (const subgraph of target.subgraphs.values()) subgraph.bodies.length = 0;
    const answer = await ask(target[router], query, variables, { 'x-request-id': 'representations' });
    const sent = [...target.subgraphs.values()].flatMap((subgraph) =>
      subgraph.bodies.flatMap((body) => {
        const representations = (JSON.parse(body) as { variables?: { representations?: unknown[] } }).variables?.representations;
        return representations ? [{ subgraph: subgraph.name, count: representations.length, distinct: new Set(representations.map((each) => JSON.stringify(each))).size }] : [];
      }),
    );
    return { answer, sent };
  }

  it.each([
    ['the gatewayBound query', gatewayBoundQuery, { first: 12 }],
    ['errors for entities reached many times', '{ users { id reviews { id product { upc ... on Book { restockInDays } ... on Furniture { restockInDays name } } } } }', undefined],
  ])('%s: each distinct one once, where stock sends one per place, and the same answer', async (_name, query, variables) => {
    const ours = await representationsSent(stack, 'ours', query, variables);
    const apollo = await representationsSent(stack, 'apollo', query, variables);
    expect(ours.answer).toEqual(apollo.answer);
    // Every fetch sends distinct representations only, and each fetch stock sent still happens.
    for (const fetch of ours.sent) expect(fetch.count).toBe(fetch.distinct);
    expect(ours.sent.map(({ subgraph, distinct }) => ({ subgraph, distinct }))).toEqual(apollo.sent.map(({ subgraph, distinct }) => ({ subgraph, distinct })));
    // The case reaches entities more than once: stock sends more.
    const total = (sent: Array<{ count: number }>) => sent.reduce((sum, fetch) => sum + fetch.count, 0);
    expect(total(apollo.sent)).toBeGreaterThan(total(ours.sent) * 2);
  });

  it('sends one representation per place, as stock, with ROUTER_DEDUPE_REPRESENTATIONS=false', async () => {
    const ours = await representationsSent(unshared, 'ours', gatewayBoundQuery, { first: 12 });
    const apollo = await representationsSent(unshared, 'apollo', gatewayBoundQuery, { first: 12 });
    expect(ours.sent).toEqual(apollo.sent);
    expect(ours.sent.some((fetch) => fetch.count > fetch.distinct)).toBe(true);
    expect(ours.answer).toEqual(apollo.answer);
  });
});
