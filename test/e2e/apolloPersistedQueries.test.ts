import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache, type DocumentNode, type TypedDocumentNode } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { addTypenameToDocument, print } from '@apollo/client/utilities';
import type { GraphQLService } from '@fedstack/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { createRouterService, loadConfig, type RouterContext, webManifestPath } from '@fedstack/router';
import { startStack, type Stack } from '../support/stack';
import { routerExecutorEnv } from '../support/routerExecutor';

/**
 * A client team's Apollo Client 4 with its persisted-queries link, against the real router: Apollo's
 * automatic persisted queries where operation text is allowed, and, in production's `require` mode, the
 * manifest the team ships in Apollo's format.
 */
const seed = { users: 7, orders: 10 };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const UsersCount: TypedDocumentNode<{ users: { totalCount: number } }, { first: number }> = gql`
  query UsersCount($first: Int!) {
    users(first: $first) { totalCount }
  }
`;
const UserNames: TypedDocumentNode<{ users: { nodes: Array<{ id: string; name: string }> } }, { first: number }> = gql`
  query UserNames($first: Int!) {
    users(first: $first) { nodes { id name } }
  }
`;

/**
 * The manifest `@apollo/generate-persisted-query-manifest` writes for these documents: each as Apollo
 * Client sends it (`__typename` added by its cache), printed, and its sha256 as the id.
 */
function apolloManifest(documents: DocumentNode[]): string {
  const operations = documents.map((document) => {
    const body = print(addTypenameToDocument(document));
    const definition = document.definitions.find((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION)!;
    return { id: sha256(body), name: definition.name!.value, type: definition.operation, body };
  });
  return JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations });
}

/** What the client sent: the method, and whether the body or URL carried the operation's text and hash. */
interface Sent {
  method: string;
  text: boolean;
  hash: boolean;
}

let stack: Stack;
let folder: string;
let requireRouter: GraphQLService<RouterContext>;
let requireUrl: string;
let sent: Sent[] = [];

/** Apollo Client as the team builds it: its persisted-queries link in front of the HTTP link. */
function createClient(uri: string, options: { useGETForHashedQueries?: boolean } = {}): ApolloClient {
  const recordingFetch: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    const body = init?.body ? (JSON.parse(String(init.body)) as { query?: string; extensions?: { persistedQuery?: unknown } }) : undefined;
    sent.push({
      method: init?.method ?? 'GET',
      text: Boolean(body?.query ?? url.searchParams.get('query')),
      hash: Boolean(body?.extensions?.persistedQuery ?? url.searchParams.get('extensions')?.includes('persistedQuery')),
    });
    return fetch(input, init);
  };
  return new ApolloClient({
    link: ApolloLink.from([new PersistedQueryLink({ sha256, ...options }), new HttpLink({ uri, fetch: recordingFetch })]),
    cache: new InMemoryCache(),
  });
}

beforeAll(async () => {
  stack = await startStack({ seed });
  folder = mkdtempSync(join(tmpdir(), 'fedstack-apollo-manifest-'));
  // The team ships its manifest beside the web app's: both are trusted.
  writeFileSync(join(folder, 'team.json'), apolloManifest([UsersCount]));
  requireRouter = createRouterService(
    loadConfig({
      ...routerExecutorEnv(),
      LOG_LEVEL: 'silent',
      ROUTER_HOST: '127.0.0.1',
      ROUTER_PORT: '0',
      SUBGRAPH_USERS_URL: stack.usersUrl,
      SUBGRAPH_ORDERS_URL: stack.ordersUrl,
      PERSISTED_DOCUMENTS: 'require',
      PERSISTED_DOCUMENTS_PATH: `${webManifestPath},${folder}`,
    }),
  );
  requireUrl = await requireRouter.start();
}, 60_000);

afterAll(async () => {
  await requireRouter?.stop();
  await stack?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

beforeEach(() => {
  sent = [];
});

describe('Apollo Client\'s persisted-queries link', () => {
  it('registers its operations on the first miss and sends only their hashes afterwards, where text is allowed', async () => {
    const client = createClient(stack.routerUrl);
    const first = await client.query({ query: UserNames, variables: { first: 2 }, fetchPolicy: 'network-only' });
    expect(first.data?.users.nodes).toHaveLength(2);
    const again = await client.query({ query: UserNames, variables: { first: 3 }, fetchPolicy: 'network-only' });
    expect(again.data?.users.nodes).toHaveLength(3);
    // The hash alone (not found), the hash with the text (registered), then the hash alone (known).
    expect(sent).toEqual([
      { method: 'POST', text: false, hash: true },
      { method: 'POST', text: true, hash: true },
      { method: 'POST', text: false, hash: true },
    ]);
  });

  it('runs the operations of the team\'s manifest by hash alone, by GET, in require mode', async () => {
    const client = createClient(requireUrl, { useGETForHashedQueries: true });
    const { data } = await client.query({ query: UsersCount, variables: { first: 1 } });
    expect(data).toEqual({ users: { __typename: 'UserConnection', totalCount: seed.users } });
    expect(sent).toEqual([{ method: 'GET', text: false, hash: true }]);
  });

  it('gets PERSISTED_DOCUMENT_NOT_FOUND for an operation the team did not ship, and never sends its text', async () => {
    const client = createClient(requireUrl);
    const failure = await client.query({ query: UserNames, variables: { first: 1 } }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(CombinedGraphQLErrors.is(failure) && failure.errors.map((error) => error.extensions?.code)).toEqual(['PERSISTED_DOCUMENT_NOT_FOUND']);
    expect(sent).toEqual([{ method: 'POST', text: false, hash: true }]);
  });
});
