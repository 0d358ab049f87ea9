import type { GraphQLRequestContextDidResolveOperation, BaseContext } from '@apollo/server';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { useOperationLimits } from './useOperationLimits';

const schema = buildSchema(`
  type Query { users(first: Int = 10): [User!]! }
  type User { id: ID! friends(first: Int): [User!]! }
`);
const limits = { maxDepth: 10, maxAliases: 10, maxRootFields: 10, maxPageSize: 100, maxCost: 5_000 };

/** Runs the plugin's check as Apollo Server would for one request; resolves with the refusal's code, or 'ok'. */
async function check(document: ReturnType<typeof parse>, variables: Record<string, unknown>): Promise<string> {
  const plugin = useOperationLimits(limits);
  const listener = await plugin.requestDidStart!({} as never);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const context = { document, operation, request: { variables }, schema } as unknown as GraphQLRequestContextDidResolveOperation<BaseContext>;
  try {
    await listener!.didResolveOperation!(context);
    return 'ok';
  } catch (error) {
    return String((error as { extensions?: { code?: unknown } }).extensions?.code);
  }
}

describe('useOperationLimits', () => {
  it('measures an operation again for other values of the variables it reads, and alike for the same ones', async () => {
    // One document for every request, as Apollo Server hands out a parsed query text.
    const document = parse('query Q($first: Int, $friends: Int) { users(first: $first) { id friends(first: $friends) { id } } }');
    expect(await check(document, { first: 5, friends: 5 })).toBe('ok');
    expect(await check(document, { first: 500, friends: 5 })).toBe('BAD_USER_INPUT');
    expect(await check(document, { first: 5, friends: 5 })).toBe('ok');
    // 90 × 90 values: too costly; each page alone is within the limit.
    expect(await check(document, { first: 90, friends: 90 })).toBe('QUERY_TOO_COSTLY');
    expect(await check(document, { first: 90, friends: 5 })).toBe('ok');
    // Without the variable (no default here), or with null, the page counts as none: nothing to refuse.
    expect(await check(document, { friends: 5 })).toBe('ok');
    expect(await check(document, { first: null, friends: 5 })).toBe('ok');
    expect(await check(document, { first: 90, friends: 90 })).toBe('QUERY_TOO_COSTLY');
  });

  it("measures a variable left out at the operation's default, as execution will use it, and an explicit null as null", async () => {
    const document = parse('query Q($first: Int = 100000) { users(first: $first) { id } }');
    expect(await check(document, {})).toBe('BAD_USER_INPUT');
    expect(await check(document, { first: 5 })).toBe('ok');
    expect(await check(document, {})).toBe('BAD_USER_INPUT');
    expect(await check(document, { first: null })).toBe('ok');
  });

  it('measures a variable of the wrong kind as no page, however large or deep (the type check after it refuses it)', async () => {
    const document = parse('query Q($first: Int) { users(first: $first) { id } }');
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(await check(document, { first: deep })).toBe('ok');
    expect(await check(document, { first: 'x'.repeat(1_000_000) })).toBe('ok');
    expect(await check(document, { first: 500 })).toBe('BAD_USER_INPUT');
  });
});
