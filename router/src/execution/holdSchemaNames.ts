/**
 * Makes the one-byte spelling of a schema's names the one V8 keeps, before Apollo Gateway builds its
 * schemas, so that the router's answers are one-byte strings.
 *
 * V8 keeps a single copy of each string used as a property name (its string table), in the encoding of
 * the first copy that got there. Node 20's V8 joins a list with `Array.prototype.join` into a two-byte
 * string when an element has been internalised in place, even if every character is ASCII; that is
 * how `@apollo/federation-internals`' `Schema.validate`, which prints the schema and parses the print
 * again, makes two-byte copies of the supergraph's names, and they reach the string table first. From
 * then on every key with such a name (`upc`, `topProducts`, in each subgraph's parsed answer and in
 * the answer the router shapes) is two-byte, and so is every `JSON.stringify` of an answer: twice its
 * length in memory. A 90 KB answer became a 180 KB string, over V8's 128 KB large-object size, and the
 * write then converted it back to bytes. Stock Apollo Gateway does the same; Hive Gateway does not.
 *
 * Names put here first, one-byte, are the ones the table hands out afterwards. They are held until the
 * same source's next schema replaces them: a name the table no longer holds could come back two-byte.
 * docs/performance.md, "Two bytes per character".
 */
const held = new Map<string, { sdl: string; names: Record<string, true> }>();

/** GraphQL names are ASCII by the grammar; a description's words are taken too, harmlessly. */
const namePattern = /[_A-Za-z][_0-9A-Za-z]*/g;

/**
 * Holds the names in `sdl` (a supergraph or a subgraph's schema), one-byte, for `source` (`supergraph`,
 * or a subgraph's name), in place of what that source held before. Call it before the schema is built.
 *
 * @example holdSchemaNames('supergraph', readFileSync(supergraphPath, 'utf8'));
 */
export function holdSchemaNames(source: string, sdl: string): void {
  // Live composition asks every subgraph again at each poll; an unchanged schema holds the same names.
  if (held.get(source)?.sdl === sdl) return;
  const names: Record<string, true> = Object.create(null) as Record<string, true>;
  for (const [name] of sdl.matchAll(namePattern)) {
    // A slice of a two-byte text (a description with "é" makes the whole file two-byte) is two-byte
    // itself: Latin-1 decoding makes a one-byte copy, and using the copy as a key internalises it. The
    // slice is never used as a key: that could put it in the table first.
    names[Buffer.from(name, 'latin1').toString('latin1')] = true;
  }
  held.set(source, { sdl, names });
}
