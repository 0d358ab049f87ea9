import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildASTSchema, Kind, parse } from 'graphql';
import { demoUsers } from '@fedstack/devkit';
import { postSigned } from '../support/auth';
import { startStack, type Stack } from '../support/stack';

const users = demoUsers(30);
const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id email name createdAt } } }`;

let stack: Stack;
beforeAll(async () => {
  // A page maximum below the default 100 and below the users seeded, to see the subgraph take it from its config.
  stack = await startStack({ seed: { users: 30, orders: 0 }, env: { MAX_PAGE_SIZE: '25' } });
});
afterAll(() => stack.stop());

describe('the users subgraph, as the router calls it', () => {
  it('resolves User representations in their order, null for ids nobody has, in one find', async () => {
    const representations = [users[7]!, users[2]!, { _id: null }, users[29]!].map((user) => ({ __typename: 'User', id: user._id?.toHexString() ?? 'cccccccccccccccccccccccc' }));
    stack.usersCommands.clear();
    const { body } = await postSigned(stack.usersUrl, 'users', entities, { representations });
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      _entities: [
        { id: users[7]!._id.toHexString(), email: users[7]!.email, name: users[7]!.name, createdAt: users[7]!.createdAt.toISOString() },
        { id: users[2]!._id.toHexString(), email: users[2]!.email, name: users[2]!.name, createdAt: users[2]!.createdAt.toISOString() },
        null,
        { id: users[29]!._id.toHexString(), email: users[29]!.email, name: users[29]!.name, createdAt: users[29]!.createdAt.toISOString() },
      ],
    });
    expect(stack.usersCommands.count()).toBe(1);
    expect(stack.usersCommands.count({ command: 'find', collection: 'users' })).toBe(1);
  });

  it('answers BAD_USER_INPUT for a malformed id in a representation', async () => {
    const { body } = await postSigned(stack.usersUrl, 'users', entities, { representations: [{ __typename: 'User', id: 'x' }] });
    expect(body.data).toEqual({ _entities: [null] });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves pages up to MAX_PAGE_SIZE, and answers BAD_USER_INPUT naming that maximum for a larger first', async () => {
    const page = await postSigned<{ users: { nodes: unknown[]; pageInfo: { hasNextPage: boolean } } }>(stack.usersUrl, 'users', `{ users(first: 25) { nodes { id } pageInfo { hasNextPage } } }`);
    expect(page.body.errors).toBeUndefined();
    expect(page.body.data?.users.nodes).toHaveLength(25);
    expect(page.body.data?.users.pageInfo.hasNextPage).toBe(true);

    const tooLarge = await postSigned(stack.usersUrl, 'users', `{ users(first: 26) { nodes { id } } }`);
    expect(tooLarge.body.errors?.[0]).toMatchObject({ message: 'first: must be between 1 and 25, but got: 26', extensions: { code: 'BAD_USER_INPUT', field: 'first' } });
  });

  it('publishes the SDL in schema/users.graphql through _service', async () => {
    const { body } = await postSigned(stack.usersUrl, 'users', `{ _service { sdl } }`);
    const sdl = (body.data as { _service: { sdl: string } })._service.sdl;
    const source = parse(readFileSync(resolve(__dirname, '../../schema/users.graphql'), 'utf8'));
    const published = buildASTSchema(parse(sdl), { assumeValidSDL: true });
    for (const definition of source.definitions) {
      if (definition.kind === Kind.DIRECTIVE_DEFINITION) expect(published.getDirective(definition.name.value)).toBeDefined();
      else if ('name' in definition && definition.name) expect(published.getType(definition.name.value)).toBeDefined();
    }
    expect(sdl).toMatch(/type User\s+@key\(fields: "id"\)/);
  });
});
