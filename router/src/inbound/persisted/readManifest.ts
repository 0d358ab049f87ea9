import { createHash } from 'node:crypto';
import { Kind, parse, type OperationTypeNode } from 'graphql';

/** One operation a manifest lets clients run by id. */
export interface ManifestEntry {
  /** The id as the router looks it up: see {@link documentKey}. */
  key: string;
  /** The operation's text, exactly as the manifest holds it: what runs. */
  body: string;
  /** The operation's name (what the metrics are labelled with), or `anonymous`. */
  name: string;
  /** `query`, `mutation` or `subscription`: a GET may only run a query. */
  type: OperationTypeNode;
}

/** The format `@apollo/generate-persisted-query-manifest` writes for Apollo Client's persisted-queries link. */
interface ApolloManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: Array<{ id: string; name?: string; type?: string; body: string }>;
}

/** The longest id accepted: a sha256 id is 71 characters; a custom one has no business being longer. */
const maxIdLength = 256;

/**
 * The one form the router keys a document id by, whichever way a client sends it: GraphQL over HTTP's
 * `documentId` writes a sha256 id as `sha256:<hex>` (what the client preset's manifest holds), Apollo's
 * `extensions.persistedQuery.sha256Hash` as the bare hex. Both become `sha256:<lower-case hex>`; any other
 * id (a custom one a manifest chose) stays as it is. Undefined for what cannot be an id.
 *
 * @example documentKey('ABC…(64 hex)') === documentKey('sha256:abc…') // 'sha256:abc…'
 */
export function documentKey(id: string): string | undefined {
  if (id.length === 0 || id.length > maxIdLength) return undefined;
  const hex = /^(?:sha256:)?([0-9a-fA-F]{64})$/.exec(id)?.[1];
  return hex ? `sha256:${hex.toLowerCase()}` : id;
}

/** The sha256 of a text in the key form (`sha256:<hex>`). */
export function sha256Key(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/**
 * Reads one manifest file's content into its entries. Two formats are accepted, so that each client's
 * own tooling can write its manifest:
 *
 * - the GraphQL Code Generator client preset's `persisted-documents.json`: `{ "<id>": "<text>", … }`
 *   (what `npm run codegen` writes for web/);
 * - Apollo's persisted query manifest: `{ "format": "apollo-persisted-query-manifest", "version": 1,
 *   "operations": [{ "id", "name", "type", "body" }] }`.
 *
 * Every text is parsed here, once, when the manifest is loaded (never a client's text on a request), and
 * must hold exactly one operation. A sha256 id must be the hash of its text: a manifest that says
 * otherwise was edited by hand or damaged, and the router would run a text other than the one the
 * client was built with, so the whole file is refused. Throws an Error naming `source` and the entry.
 */
export function readManifest(content: string, source: string): ManifestEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const pairs = isApolloManifest(parsed) ? parsed.operations.map((operation) => [operation.id, operation.body] as const) : flatPairs(parsed, source);
  return pairs.map(([id, body]) => readEntry(id, body, source));
}

function isApolloManifest(value: unknown): value is ApolloManifest {
  const manifest = value as Partial<ApolloManifest> | null;
  if (typeof manifest !== 'object' || manifest === null || manifest.format !== 'apollo-persisted-query-manifest') return false;
  if (manifest.version !== 1 || !Array.isArray(manifest.operations)) throw new Error('An Apollo persisted query manifest must have "version": 1 and an "operations" array.');
  return true;
}

function flatPairs(value: unknown, source: string): Array<readonly [unknown, unknown]> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${source} must be an object of id → operation text (the client preset's persisted-documents.json) or an Apollo persisted query manifest.`);
  }
  return Object.entries(value);
}

function readEntry(id: unknown, body: unknown, source: string): ManifestEntry {
  const key = typeof id === 'string' ? documentKey(id) : undefined;
  if (key === undefined) throw new Error(`${source}: ${JSON.stringify(id)} is not a document id (a string of 1 to ${maxIdLength} characters).`);
  if (typeof body !== 'string') throw new Error(`${source}: the text of ${key} must be a string, but got: ${JSON.stringify(body)}`);
  if (key.startsWith('sha256:') && sha256Key(body) !== key) throw new Error(`${source}: ${key} is not the sha256 of its text (the manifest was edited or damaged: generate it again).`);
  let operations;
  try {
    operations = parse(body).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  } catch (error) {
    throw new Error(`${source}: the text of ${key} does not parse: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (operations.length !== 1) throw new Error(`${source}: the text of ${key} must hold exactly one operation, but holds ${operations.length}.`);
  const [operation] = operations;
  return { key, body, name: operation!.name?.value ?? 'anonymous', type: operation!.operation };
}
