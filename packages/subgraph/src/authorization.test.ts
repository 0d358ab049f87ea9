import { ApolloServer } from '@apollo/server';
import { applyPolicies, ownerOrAdmin, type ViewerContext } from './authorization';
import { anonymous, type Viewer } from '@fedstack/server';

// A schema whose hints call everything public for a minute, policed field included: the policy alone
// must make an answer holding that field private.
const typeDefs = `
  enum CacheControlScope { PUBLIC PRIVATE }
  directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean) on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
  type Account @cacheControl(maxAge: 60) { id: ID! name: String! secret: String }
  type Query { account: Account @cacheControl(maxAge: 60) }
  type Mutation { rename(id: ID!, name: String!): Account }
`;
const account = { id: 'a1', name: 'Ann', secret: 's3cret' };
const resolvers = applyPolicies(
  { Query: { account: () => account }, Mutation: { rename: (_root: unknown, { name }: { name: string }) => ({ ...account, name }) } },
  {
    Account: { secret: ownerOrAdmin<typeof account, unknown, ViewerContext>((parent) => parent.id) },
    Mutation: { rename: ownerOrAdmin<unknown, { id: string }, ViewerContext>((_root, args) => args.id) },
  },
);

async function ask(query: string, viewer: Viewer) {
  const server = new ApolloServer<ViewerContext>({ typeDefs, resolvers });
  const response = await server.executeOperation({ query }, { contextValue: { viewer } });
  await server.stop();
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return { result: response.body.singleResult, cacheControl: response.http.headers.get('cache-control') };
}

describe('applyPolicies and cache hints', () => {
  it('leaves an answer without policed fields as public as the schema says', async () => {
    const { result, cacheControl } = await ask('{ account { id name } }', anonymous);
    expect(result.errors).toBeUndefined();
    expect(cacheControl).toBe('max-age=60, public');
  });

  it('makes an answer with a policed field private, whoever asks', async () => {
    const owner = await ask('{ account { name secret } }', { userId: 'a1', roles: [] });
    expect(owner.result.data).toEqual({ account: { name: 'Ann', secret: 's3cret' } });
    expect(owner.cacheControl).toBe('max-age=60, private');

    const admin = await ask('{ account { name secret } }', { userId: 'x9', roles: ['admin'] });
    expect(admin.result.data).toEqual({ account: { name: 'Ann', secret: 's3cret' } });
    expect(admin.cacheControl).toBe('max-age=60, private');

    const stranger = await ask('{ account { name secret } }', { userId: 'b2', roles: [] });
    expect(stranger.result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(stranger.cacheControl).toBe('no-store');
  });
});

describe('denials', () => {
  it('speak of seeing on a query and of doing on a mutation', async () => {
    const read = await ask('{ account { secret } }', anonymous);
    expect(read.result.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([['UNAUTHENTICATED', 'Sign in to see this: send a bearer token.']]);
    const write = await ask('mutation { rename(id: "a1", name: "Bo") { name } }', anonymous);
    expect(write.result.errors?.map((error) => [error.extensions?.code, error.message])).toEqual([['UNAUTHENTICATED', 'Sign in to do this: send a bearer token.']]);
    const strangerRead = await ask('{ account { secret } }', { userId: 'b2', roles: [] });
    expect(strangerRead.result.errors?.map((error) => error.message)).toEqual(['Only its owner and admins may see this.']);
    const strangerWrite = await ask('mutation { rename(id: "a1", name: "Bo") { name } }', { userId: 'b2', roles: [] });
    expect(strangerWrite.result.errors?.map((error) => error.message)).toEqual(['Only its owner and admins may do this.']);
  });
});
