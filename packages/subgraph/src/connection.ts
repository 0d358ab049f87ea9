import { badUserInput } from '@fedstack/server';

/** The page size bounds a connection field enforces. */
export interface PageSizeLimits {
  /** Used when the client gives no `first`. */
  defaultSize: number;
  /** The largest `first` accepted; more is `BAD_USER_INPUT`, not silently cut. */
  maxSize: number;
}

/**
 * Checks `first` against the limits and returns the page size to use.
 *
 * @example pageSize(args.first, { defaultSize: 20, maxSize: 100 }) // 20 when first is null
 */
export function pageSize(first: number | null | undefined, limits: PageSizeLimits): number {
  if (first === null || first === undefined) return limits.defaultSize;
  if (!Number.isInteger(first) || first < 1 || first > limits.maxSize) {
    throw badUserInput('first', `must be between 1 and ${limits.maxSize}, but got: ${first}`);
  }
  return first;
}

/**
 * Encodes a cursor: the values a page is sorted by, as opaque base64url text. Clients must not build
 * cursors themselves; they only pass back an `endCursor`.
 */
export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} with `arity` parts, or throws `BAD_USER_INPUT` naming
 * the `after` argument.
 */
export function decodeCursor(cursor: string, arity: number): string[] {
  const invalid = () => badUserInput('after', 'is not a cursor returned by this API');
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parts) || parts.length !== arity || !parts.every((p) => typeof p === 'string')) throw invalid();
  return parts as string[];
}

/** The shape every connection in the graph resolves to. */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A connection that also tells how many items there are across every page. */
export type CountedConnection<T> = Connection<T> & { totalCount: number };

/**
 * Builds a connection from up to `size + 1` documents fetched in page order: the extra one, if present,
 * only tells that there is a next page and is dropped.
 */
export function toConnection<T>(docs: readonly T[], size: number, cursorOf: (doc: T) => string): Connection<T> {
  const page = docs.slice(0, size);
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes: page,
    pageInfo: { hasNextPage: docs.length > size, endCursor: edges.length > 0 ? edges[edges.length - 1]!.cursor : null },
  };
}
