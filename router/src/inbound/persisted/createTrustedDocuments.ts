import type { IncomingMessage } from 'node:http';
import type { HTTPGraphQLRequest } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import { ErrorCode, errorStatus, isAdmin, type Logger, type PreparedRequest } from '@fedstack/server';
import type { RouterMetrics } from '../../metrics';
import { GraphQLError } from 'graphql';
import type { TokenVerifier } from '../auth/createTokenVerifier';
import { createManifestStore, type ManifestSources, type ManifestStore } from './createManifestStore';
import { documentKey, sha256Key, type ManifestEntry } from './readManifest';

/**
 * `PERSISTED_DOCUMENTS`: `off`, ids are not understood (Apollo's hashes are answered
 * `PERSISTED_QUERY_NOT_SUPPORTED`, so its link sends text); `allow`, ids and text both run; `require`,
 * only the manifests' operations run.
 */
export type TrustedDocumentsMode = 'off' | 'allow' | 'require';

/** The trusted-documents settings (see config.ts for the variables). */
export interface TrustedDocumentsConfig extends ManifestSources {
  mode: TrustedDocumentsMode;
  /**
   * `PERSISTED_DOCUMENTS_ADMIN_BYPASS`: in `require` mode, a request with a valid admin token may send any
   * operation text (introspection, the playground, a support query). Defaults to false.
   */
  adminBypass: boolean;
}

/** What {@link createTrustedDocuments} builds. */
export interface TrustedDocuments {
  /** For GraphQLService's `prepareRequest`: an id becomes its text, or the request is refused unparsed. */
  prepareRequest(request: HTTPGraphQLRequest, incoming: IncomingMessage): Promise<PreparedRequest>;
  /** The loaded manifests (tests and logs). */
  store: ManifestStore;
  close(): Promise<void>;
}

/** How much text registered by Apollo's automatic persisted queries (`allow` mode) one router keeps. */
const registeredTextMaxBytes = 8 * 1024 * 1024;

/**
 * What `metrics.persistedDocuments` counts, by outcome:
 * - `id`: an operation run by its manifest id;
 * - `text`: operation text run without an id (`allow` mode, or an admin under the bypass: `admin_text`);
 * - `registered`: an Apollo hash and its text, remembered for next time (`allow` mode only);
 * - `not_found`, `mismatch`, `text_refused`: refusals;
 * - `method_refused`: a manifest's mutation asked for by GET (405).
 */
type Outcome = 'id' | 'text' | 'admin_text' | 'registered' | 'not_found' | 'mismatch' | 'text_refused' | 'method_refused';

/** A request's GraphQL envelope, as far as ids go; read without parsing any GraphQL. */
interface Envelope {
  /** The id the client sent, and in which form. */
  id?: { value: string; form: 'documentId' | 'apq' };
  text?: string;
}

/**
 * Trusted documents: clients send an operation's id instead of its text, and in `require` mode nothing
 * else runs.
 *
 * Ids are handled here, in the HTTP layer, and not by Apollo Server's own automatic persisted queries
 * (turned off in service.ts): Apollo's APQ knows no manifest, registers any text a client sends with
 * its hash, and speaks only `extensions.persistedQuery`. This runs before Apollo Server sees the
 * request, so a refusal happens before any text is parsed, validated or planned. Accepted, in a POST's
 * JSON body or a GET's query string:
 *
 * - `documentId` (GraphQL over HTTP's persisted documents): `sha256:<hex>` or a manifest's own id;
 * - `extensions.persistedQuery.sha256Hash` (`version` 1), as Apollo Client, Apollo iOS and Kotlin send it.
 *
 * A known id becomes its manifest text, and the request goes on as if the client had sent that text, so
 * the response cache, deduplication, limits and metrics treat both the same. A GET may only run a query
 * (405 otherwise, before parsing). An id sent together with a text must stand for that text
 * (`PERSISTED_DOCUMENT_MISMATCH` otherwise), so no client can run one text under another's id.
 *
 * Apollo's register-on-miss flow (the hash alone, `PERSISTED_QUERY_NOT_FOUND`, then the hash with the
 * text) works in `allow` mode, where text is accepted anyway: the text is checked against the hash and
 * remembered in memory. In `require` mode nothing is ever registered: an unknown hash is
 * `PERSISTED_DOCUMENT_NOT_FOUND` (a code Apollo's link does not answer by sending the text), and so is a
 * hash with its text, whatever the text. Registered texts never serve `require` mode.
 */
export function createTrustedDocuments(config: TrustedDocumentsConfig, options: { logger: Logger; metrics: RouterMetrics; verifyToken: TokenVerifier }): TrustedDocuments {
  const { logger, metrics, verifyToken } = options;
  // `off` reads no manifest: nothing would use it.
  const store = createManifestStore(config.mode === 'off' ? { ...config, paths: [], redis: undefined } : config, logger);
  if (config.mode !== 'off') logger.info(`trusted documents: ${config.mode} mode, ${store.size} operations in the manifests`);
  const registered = new InMemoryLRUCache<string>({ maxSize: registeredTextMaxBytes, sizeCalculation: InMemoryLRUCache.sizeCalculation });
  const count = (operation: string, outcome: Outcome) => metrics.persistedDocuments.inc({ operation, outcome });

  const run = (request: HTTPGraphQLRequest, text: string): PreparedRequest => ({ kind: 'run', request: withText(request, text) });

  async function prepareRequest(request: HTTPGraphQLRequest): Promise<PreparedRequest> {
    if (config.mode === 'off') return { kind: 'run', request };
    const envelope = readEnvelope(request);
    // Not a request this layer can read (a batch, a body that is not JSON): Apollo Server refuses it
    // with its own 400, before parsing any GraphQL.
    if (envelope === undefined) return { kind: 'run', request };
    if (typeof envelope === 'string') return refuse('BAD_REQUEST', envelope);
    const { id, text } = envelope;

    if (!id) {
      if (text === undefined) return { kind: 'run', request };
      if (config.mode === 'allow') {
        count('text', 'text');
        return { kind: 'run', request };
      }
      if (config.adminBypass && (await isAdminRequest(request))) {
        count('text', 'admin_text');
        return { kind: 'run', request };
      }
      count('text', 'text_refused');
      return refuse(
        ErrorCode.PERSISTED_DOCUMENT_REQUIRED,
        'This router runs only the operations its clients shipped: send the operation\'s id (`documentId`, or Apollo\'s `extensions.persistedQuery`) from your manifest, not its text.',
      );
    }

    const key = documentKey(id.value);
    if (key === undefined) return refuse('BAD_REQUEST', 'A document id must be a string of 1 to 256 characters.');
    const entry = store.lookup(key);
    if (text !== undefined) {
      // The text must be the one the id stands for: by the manifest, or (a sha256 id) by its hash.
      const matches = entry ? text === entry.body || (key.startsWith('sha256:') && sha256Key(text) === key) : !key.startsWith('sha256:') || sha256Key(text) === key;
      if (!matches) {
        count(entry?.name ?? 'unknown', 'mismatch');
        return refuse(ErrorCode.PERSISTED_DOCUMENT_MISMATCH, `The operation text sent is not the one ${id.value} stands for: send the id alone, or the text alone.`);
      }
      if (entry) return answerEntry(request, entry);
      if (config.mode === 'require') {
        if (config.adminBypass && (await isAdminRequest(request))) {
          count('text', 'admin_text');
          return run(request, text);
        }
        count('unknown', 'not_found');
        return notFound(id.value, 'operations are not registered by clients here: ship them in a manifest');
      }
      if (id.form === 'apq') {
        await registered.set(key, text);
        count('text', 'registered');
      } else {
        count('text', 'text');
      }
      return run(request, text);
    }

    if (entry) return answerEntry(request, entry);
    const remembered = config.mode === 'allow' ? await registered.get(key) : undefined;
    if (remembered !== undefined) {
      count('text', 'registered');
      return run(request, remembered);
    }
    count('unknown', 'not_found');
    // Apollo's link answers this code by sending the text with the hash, which `allow` mode registers.
    if (config.mode === 'allow' && id.form === 'apq') return refuse('PERSISTED_QUERY_NOT_FOUND', 'PersistedQueryNotFound', 200);
    return notFound(id.value, 'it is in no manifest this router has loaded');
  }

  /** Runs a manifest operation, unless it is a mutation asked for by GET. */
  function answerEntry(request: HTTPGraphQLRequest, entry: ManifestEntry): PreparedRequest {
    if (request.method === 'GET' && entry.type !== 'query') {
      count(entry.name, 'method_refused');
      return { ...refuse('BAD_REQUEST', `GET requests only support query operations, not ${entry.type} operations: POST it.`, 405), headers: { allow: 'POST', 'cache-control': 'no-store' } };
    }
    count(entry.name, 'id');
    return run(request, entry.body);
  }

  /** True when the request carries a valid admin token; an invalid token is simply not an admin's. */
  async function isAdminRequest(request: HTTPGraphQLRequest): Promise<boolean> {
    try {
      return isAdmin(await verifyToken(request.headers.get('authorization')));
    } catch (error) {
      if (error instanceof GraphQLError) return false;
      throw error;
    }
  }

  return {
    prepareRequest,
    store,
    close: () => store.close(),
  };
}

/** A refusal as GraphQLService sends it: `{ errors: [{ message, extensions: { code } }] }`, never cached. */
function refuse(code: ErrorCode | 'BAD_REQUEST' | 'PERSISTED_QUERY_NOT_FOUND', message: string, status?: number): PreparedRequest & { kind: 'answer' } {
  return {
    kind: 'answer',
    status: status ?? (code in errorStatus ? errorStatus[code as ErrorCode] : 400),
    // Apollo Server's own refusals of persisted queries say the same: never keep this answer.
    headers: { 'cache-control': 'private, no-cache, must-revalidate' },
    body: { errors: [{ message, extensions: { code } }] },
  };
}

function notFound(id: string, why: string): PreparedRequest {
  return refuse(ErrorCode.PERSISTED_DOCUMENT_NOT_FOUND, `No operation has the id ${JSON.stringify(id.slice(0, 80))}: ${why}.`);
}

/**
 * Reads the id and text of a request, from a POST's JSON object or a GET's query string. Returns
 * undefined for what it cannot read (a batch, a body that is not JSON) and a message for an id that is
 * malformed.
 */
function readEnvelope(request: HTTPGraphQLRequest): Envelope | string | undefined {
  let documentId: unknown;
  let query: unknown;
  let extensions: unknown;
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    documentId = params.get('documentId') ?? undefined;
    query = params.get('query') ?? undefined;
    const rawExtensions = params.get('extensions');
    if (rawExtensions !== null) {
      try {
        extensions = JSON.parse(rawExtensions);
      } catch {
        return 'The `extensions` search parameter is not valid JSON.';
      }
    }
  } else if (request.method === 'POST' && isObject(request.body)) {
    ({ documentId, query, extensions } = request.body);
  } else {
    return undefined;
  }
  const envelope: Envelope = {};
  if (query !== undefined && query !== null) {
    if (typeof query !== 'string') return undefined;
    envelope.text = query;
  }
  const persisted = isObject(extensions) ? extensions.persistedQuery : undefined;
  if (documentId !== undefined && documentId !== null) {
    if (typeof documentId !== 'string') return '`documentId` must be a string.';
    envelope.id = { value: documentId, form: 'documentId' };
  }
  if (persisted !== undefined && persisted !== null) {
    if (!isObject(persisted) || persisted.version !== 1 || typeof persisted.sha256Hash !== 'string') {
      return '`extensions.persistedQuery` must be `{ "version": 1, "sha256Hash": "<64 hex characters>" }`.';
    }
    if (!/^[0-9a-fA-F]{64}$/.test(persisted.sha256Hash)) return '`extensions.persistedQuery.sha256Hash` must be 64 hex characters.';
    if (envelope.id && documentKey(envelope.id.value) !== documentKey(persisted.sha256Hash)) return '`documentId` and `extensions.persistedQuery.sha256Hash` name different documents.';
    envelope.id ??= { value: persisted.sha256Hash, form: 'apq' };
  }
  return envelope;
}

/** The request with `text` as its operation and no id left, as Apollo Server expects it. */
function withText(request: HTTPGraphQLRequest, text: string): HTTPGraphQLRequest {
  if (request.method === 'GET') {
    const params = new URLSearchParams(request.search);
    params.delete('documentId');
    params.set('query', text);
    const extensions = params.get('extensions');
    if (extensions !== null) {
      const rest = withoutPersistedQuery(JSON.parse(extensions) as unknown);
      if (rest === undefined) params.delete('extensions');
      else params.set('extensions', JSON.stringify(rest));
    }
    return { ...request, search: `?${params.toString()}` };
  }
  const { documentId: _documentId, extensions, ...body } = request.body as Record<string, unknown>;
  const rest = withoutPersistedQuery(extensions);
  return { ...request, body: { ...body, query: text, ...(rest === undefined ? {} : { extensions: rest }) } };
}

function withoutPersistedQuery(extensions: unknown): Record<string, unknown> | undefined {
  if (!isObject(extensions)) return undefined;
  const { persistedQuery: _persistedQuery, ...rest } = extensions;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
