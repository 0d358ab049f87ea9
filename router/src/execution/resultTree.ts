/** An object of the response tree: what a subgraph answered, as JSON.parse built it, or what the router built. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape, walked by code that checks each value's kind
export type ResultMap = Record<string, any>;

/** Whether `key` is an own property of `object`. */
export function hasOwn(object: object, key: PropertyKey): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/**
 * Sets an own, enumerable property, even where `object` inherits one of that name (`constructor`,
 * `__proto__`): a plain assignment would call an inherited setter or leave the inherited value visible.
 */
export function defineOwn(object: object, key: string, value: unknown): void {
  Object.defineProperty(object, key, { configurable: true, enumerable: true, writable: true, value });
}

/**
 * Reads a key of the response tree as its own property only. The tree's objects are plain objects
 * (`{}`, as JSON.parse makes them: V8 keeps them fast, where `Object.create(null)` objects start in
 * dictionary mode), so a response name that `Object.prototype` also has, such as the alias
 * `constructor`, must not find the inherited value. Chosen once per name.
 */
export function ownReader(key: string): (object: ResultMap) => unknown {
  if (!(key in Object.prototype)) {
    if (isPlainName(key)) return new Function('object', `return object.${key};`) as (object: ResultMap) => unknown;
    return (object) => object[key];
  }
  return (object) => (hasOwn(object, key) ? object[key] : undefined);
}

/** Writes a key of the response tree as its own property (see {@link ownReader}). Chosen once per name. */
export function ownWriter(key: string): (object: ResultMap, value: unknown) => void {
  if (!(key in Object.prototype)) {
    if (isPlainName(key)) return new Function('object', 'value', `object.${key} = value;`) as (object: ResultMap, value: unknown) => void;
    return (object, value) => {
      object[key] = value;
    };
  }
  return (object, value) => defineOwn(object, key, value);
}

/**
 * Whether `key` is a GraphQL name, and so safe to write into generated code as `object.<key>`. Why
 * generate: one closure `(object) => object[key]` serves every field, and its one keyed load sees every
 * name and shape of the response (megamorphic, a hash lookup each time); a function per name, as
 * graphql-jit compiles, gets a load of its own that V8's inline cache resolves to an offset.
 */
function isPlainName(key: string): boolean {
  return /^[_A-Za-z][_0-9A-Za-z]*$/.test(key);
}

function isObject(value: unknown): value is ResultMap {
  return value !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Merges a subgraph's answer into the response tree in place: Apollo Gateway's `deepMerge`, with the
 * same rules (objects merge key by key, lists of the same length element by element, anything else
 * replaces), so the tree ends up the same. The source's objects are adopted, not copied, wherever the
 * target has nothing yet: a subgraph's answer is parsed for this request alone.
 */
export function mergeInto(target: ResultMap, source: ResultMap | null | undefined): void {
  if (source === undefined || source === null) return;
  // An object where one fetch answered a string or a number: a subgraph's error, reported on the fetch
  // (stock's merge throws there too), never merged into the primitive's own properties (`length`).
  if (typeof target !== 'object' || target === null) throw new TypeError(`Cannot merge an object into the value ${String(target)}`);
  for (const key in source) mergeValue(target, key, source[key]);
}

/** Merges one value of a subgraph's answer into `target[key]`: one key of {@link mergeInto}. */
export function mergeValue(target: ResultMap, key: string, value: unknown): void {
  if (value === undefined) return;
  // One load decides the common case, a key the target does not have yet: nothing inherited from
  // Object.prototype reads as undefined, so an undefined here is a key to write.
  const existing: unknown = target[key];
  if (existing === undefined) {
    target[key] = value;
    return;
  }
  // Already adopted (entities that share a representation share its answer's objects): nothing to add.
  if (existing === value) return;
  if (!hasOwn(target, key)) {
    // Inherited (`constructor`, `__proto__`): shadow it with an own property, never merge into Object.prototype's.
    defineOwn(target, key, value);
    return;
  }
  if (isObject(value) && existing) {
    mergeInto(existing as ResultMap, value);
  } else if (Array.isArray(value) && Array.isArray(existing) && value.length === existing.length) {
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const current: unknown = existing[i];
      if (isObject(current) && isObject(element)) mergeInto(current, element);
      else existing[i] = element;
    }
  } else if (key === '__proto__') {
    defineOwn(target, key, value);
  } else {
    target[key] = value;
  }
}
