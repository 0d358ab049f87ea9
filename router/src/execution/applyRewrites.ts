import type { FetchDataRewrite } from '@apollo/query-planner';
import { defineOwn, hasOwn, type ResultMap } from './resultTree';
import type { TypeMatcher } from './TypeMatcher';

const fragmentPrefix = '... on ';

/**
 * Applies a fetch's input or output rewrites (the query planner's answer to @interfaceObject and to
 * fields that a subgraph names differently) to `value` in place: Apollo Gateway's `applyRewrites`
 * (@apollo/gateway/src/dataRewrites.ts), unchanged in behaviour. Plans without rewrites never get here.
 */
export function applyRewrites(types: TypeMatcher, rewrites: readonly FetchDataRewrite[] | undefined, value: unknown): void {
  if (!rewrites) return;
  for (const rewrite of rewrites) {
    if (rewrite.path.length === 0) continue;
    const parent = rewrite.path.slice(0, -1);
    const last = rewrite.path[rewrite.path.length - 1]!;
    if (last.startsWith(fragmentPrefix)) throw new Error(`Unexpected fragment as last element of ${rewrite.path.join(',')}`);
    applyAtPath(types, parent, value, rewriter(rewrite, last));
  }
}

function rewriter(rewrite: FetchDataRewrite, field: string): (object: ResultMap) => void {
  if (rewrite.kind === 'ValueSetter') return (object) => defineOwn(object, field, rewrite.setValueTo);
  return (object) => {
    const found = hasOwn(object, field) ? object[field] : undefined;
    if (found) {
      defineOwn(object, rewrite.renameKeyTo, found);
      object[field] = undefined;
    }
  };
}

function applyAtPath(types: TypeMatcher, path: readonly string[], value: unknown, apply: (object: ResultMap) => void): void {
  if (Array.isArray(value)) {
    for (const element of value) applyAtPath(types, path, element, apply);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as ResultMap;
  if (path.length === 0) {
    apply(object);
    return;
  }
  const [first, ...rest] = path as [string, ...string[]];
  if (first.startsWith(fragmentPrefix)) {
    // Rewrites do not always have the __typename they would need; stock applies them then (hence `true`).
    if (types.isObjectOfType(object, first.slice(fragmentPrefix.length), true)) applyAtPath(types, rest, object, apply);
  } else {
    applyAtPath(types, rest, hasOwn(object, first) ? object[first] : undefined, apply);
  }
}
