import type { ResultMap } from './resultTree';

/** A level of the trie: a key name, or a value, leads to the next level; {@link end} to a representation's number. */
type TrieNode = Map<unknown, TrieNode | number>;

/** Marks the end of a representation's keys: a symbol, so no key name or value can be taken for it. */
const end = Symbol('end');
/** Marks a value that is an object or a list, looked up by its JSON text on the level below. */
const composite = Symbol('composite');

/**
 * Numbers the distinct representations of one `_entities` fetch, so each is sent once: a list of 900
 * products reached through reviews holds 60 distinct ones, and the subgraph answers each entity once
 * (Apollo Router and Hive Gateway send each distinct representation once, too; stock Apollo Gateway
 * sends every one).
 *
 * Two representations are equal when they have the same keys in the same order with the same values:
 * what their JSON would be, without writing it. A representation's keys and values are walked down a
 * trie of Maps (a key name, then its value; a string, number, boolean or null is its own Map key), so
 * telling `{__typename: "Book", upc: "b0"}` from the others is four Map lookups and no string built.
 * An object or list value (a nested key, a required object) is keyed by its JSON text, behind a marker
 * no string can equal. Equal values that JSON writes the same (`0` and `-0`) are one value; keys in
 * another order are another representation, sent apart as before.
 */
export class RepresentationIndex {
  private readonly root: TrieNode = new Map();
  private count = 0;

  /** The number of `representation`: the one an equal representation got before, else the next one. */
  numberOf(representation: ResultMap): number {
    let node = this.root;
    for (const key in representation) {
      node = child(node, key);
      const value: unknown = representation[key];
      if (typeof value === 'object' && value !== null) node = child(child(node, composite), JSON.stringify(value));
      else node = child(node, value);
    }
    const found = node.get(end);
    if (found !== undefined) return found as number;
    node.set(end, this.count);
    return this.count++;
  }

  /** How many distinct representations were numbered. */
  get size(): number {
    return this.count;
  }
}

function child(node: TrieNode, key: unknown): TrieNode {
  let next = node.get(key) as TrieNode | undefined;
  if (next === undefined) {
    next = new Map();
    node.set(key, next);
  }
  return next;
}
