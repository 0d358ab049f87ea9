import type { ResultMap } from './resultTree';

/**
 * A place in the trie: after some keys and values of a representation. `key` is the key name the first
 * representation to go on from here had next; one with another key name goes on through `otherKeys`.
 * `values` leads on by that key's value (a string, number, boolean or null is its own Map key),
 * `composites` by an object or list value's JSON text; `number` is that of the representation that
 * ends here, -1 while none has.
 */
interface TrieNode {
  key: string | undefined;
  values: Map<unknown, Slot> | undefined;
  composites: Map<string, Slot> | undefined;
  otherKeys: Map<string, TrieNode> | undefined;
  number: number;
}

/**
 * What a value leads to: a node when representations go on past it, or only the number of the one that
 * ends there (most end at their last key, and get no node of their own).
 */
type Slot = TrieNode | number;

function node(number = -1): TrieNode {
  return { key: undefined, values: undefined, composites: undefined, otherKeys: undefined, number };
}

/**
 * Numbers the distinct representations of one `_entities` fetch, so each is sent once: a list of 900
 * products reached through reviews holds 60 distinct ones, and the subgraph answers each entity once
 * (Apollo Router and Hive Gateway send each distinct representation once, too; stock Apollo Gateway
 * sends every one).
 *
 * Two representations are equal when they have the same keys in the same order with the same values:
 * what their JSON would be, without writing it. A representation is walked down a trie, one level per
 * key: the level knows the key name representations have there (they nearly always have the same
 * ones: a fetch builds them from one selection), so telling `{__typename: "Book", upc: "b0"}` from the
 * others is two Map lookups and no string built, and a new one adds a Map entry for its last value
 * (and an object for each value before it that no representation had there). An object or list value
 * (a nested key, a required object) is keyed by its JSON text, apart from the strings. Equal values
 * that JSON writes the same (`0` and `-0`) are one value; keys in another order are another
 * representation, sent apart as before.
 */
export class RepresentationIndex {
  private readonly root = node();
  private count = 0;

  /** The number of `representation`: the one an equal representation got before, else the next one. */
  numberOf(representation: ResultMap): number {
    let at = this.root;
    // The last value's slot is entered only once it is known not to be the last: see Slot.
    let slots: Map<unknown, Slot> | undefined;
    let value: unknown;
    for (const key in representation) {
      if (slots) at = enter(slots, value);
      at = withKey(at, key);
      const next: unknown = representation[key];
      if (typeof next === 'object' && next !== null) {
        slots = at.composites ??= new Map();
        value = JSON.stringify(next);
      } else {
        slots = at.values ??= new Map();
        value = next;
      }
    }
    if (!slots) {
      if (at.number < 0) at.number = this.count++;
      return at.number;
    }
    const slot = slots.get(value);
    if (slot === undefined) {
      slots.set(value, this.count);
      return this.count++;
    }
    if (typeof slot === 'number') return slot;
    if (slot.number < 0) slot.number = this.count++;
    return slot.number;
  }

  /** How many distinct representations were numbered. */
  get size(): number {
    return this.count;
  }
}

/** The node for `key` at this level: this one when it is this level's key name (or the first one here), else its sibling for that name. */
function withKey(at: TrieNode, key: string): TrieNode {
  if (at.key === key) return at;
  if (at.key === undefined) {
    at.key = key;
    return at;
  }
  const others = (at.otherKeys ??= new Map());
  let other = others.get(key);
  if (other === undefined) {
    other = node();
    other.key = key;
    others.set(key, other);
  }
  return other;
}

/** The node a value leads to, made (or made from a number alone) when a representation goes on past it. */
function enter(slots: Map<unknown, Slot>, value: unknown): TrieNode {
  const slot = slots.get(value);
  if (slot !== undefined && typeof slot !== 'number') return slot;
  const made = node(slot ?? -1);
  slots.set(value, made);
  return made;
}
