import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoUsers } from '../../scripts/lib/seed';
import { postGraphQL } from '../support/graphql';
import { startStack, type Stack } from '../support/stack';

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
