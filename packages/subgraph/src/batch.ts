import DataLoader from 'dataloader';

/**
 * Puts the values a batch function fetched back in the order of the keys DataLoader asked for, as
 * DataLoader requires; a key with no value gets `null`. Keys are compared by their string form, so
 * ObjectIds and their hex strings match.
 *
 * @example orderByKeys(['b', 'a', 'x'], docs, (d) => d.id) // [docB, docA, null]
 */
export function orderByKeys<K, V>(keys: readonly K[], values: readonly V[], keyOf: (value: V) => K): Array<V | null> {
  const byKey = new Map<string, V>();
  for (const value of values) byKey.set(String(keyOf(value)), value);
  return keys.map((key) => byKey.get(String(key)) ?? null);
}

/**
 * Groups values by key, in the keys' order, for one-to-many batches (a user's orders): every key gets
 * an array, empty when nothing matched. The values' own order is kept within each group.
 */
export function groupByKeys<K, V>(keys: readonly K[], values: readonly V[], keyOf: (value: V) => K): V[][] {
  const groups = new Map<string, V[]>(keys.map((key) => [String(key), []]));
  for (const value of values) groups.get(String(keyOf(value)))?.push(value);
  return keys.map((key) => groups.get(String(key)) ?? []);
}

/**
 * Creates a per-request loader of documents by id: each tick's ids become one `$in` query through
 * `fetchMany`, and each id resolves to its document or `null`.
 *
 * Loaders cache for their lifetime, which is why they are created per request (in the context factory)
 * and never shared: a shared one would serve stale data and mix what different callers may see.
 */
export function createByIdLoader<K, V>(
  fetchMany: (ids: readonly K[]) => Promise<V[]>,
  idOf: (value: V) => K,
  onBatch?: (size: number) => void,
): DataLoader<K, V | null, string> {
  return new DataLoader<K, V | null, string>(
    async (ids) => {
      onBatch?.(ids.length);
      return orderByKeys(ids, await fetchMany(ids), idOf);
    },
    { cacheKeyFn: (id) => String(id) },
  );
}
