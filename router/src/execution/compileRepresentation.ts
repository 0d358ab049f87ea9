import { getResponseName, type QueryPlanSelectionNode } from '@apollo/query-planner';
import { hasOwn, mergeInto, mergeValue, type ResultMap } from './resultTree';
import type { TypeMatcher } from './TypeMatcher';

/** Builds the representation of one entity for an `_entities` fetch, or null when it has none. */
export type RepresentationBuilder = (entity: ResultMap | null) => ResultMap | null;

/**
 * Compiles a fetch's `requires` selection (its keys and @requires fields) into a function that picks
 * them out of an entity of the response tree: Apollo Gateway's `executeSelectionSet` in
 * executeQueryPlan.ts, with the selection walked once here instead of once per entity per request.
 * As there, an entity that lacks a required field (it failed upstream) gets no representation, and a
 * type condition is tested against the entity's `__typename` in the supergraph.
 *
 * A field with an alias is read from the alias and written under the field's own name: the query
 * planner never aliases a `requires` field, but rewriteRequiresArguments does, to send a subgraph the
 * value of `price(currency: "EUR")` that the tree holds under `price__requires_0` as its `price`.
 */
export function compileRepresentation(selections: readonly QueryPlanSelectionNode[], types: TypeMatcher): RepresentationBuilder {
  const steps = selections.map((selection): ((source: ResultMap, result: ResultMap) => boolean) => {
    if (selection.kind === 'Field') {
      const name = getResponseName(selection);
      const sentAs = selection.name;
      const inner = selection.selections ? compileRepresentation(selection.selections, types) : undefined;
      return (source, result) => {
        if (!hasOwn(source, name) || source[name] === undefined) return false;
        const value = source[name] as unknown;
        if (Array.isArray(value)) result[sentAs] = inner ? value.map((element: ResultMap | null) => inner(element)) : value;
        else result[sentAs] = inner ? inner(value as ResultMap | null) : value;
        return true;
      };
    }
    const condition = selection.typeCondition;
    // A fragment without a type condition adds nothing, as in stock.
    if (!condition) return () => true;
    const leaves = leafFields(selection.selections);
    if (leaves) {
      // Leaves only (`... on Book { __typename upc }`, most keys): written straight into the result, as
      // merging an object of them would, with nothing written when one is missing.
      const count = leaves.length;
      return (source, result) => {
        if (!types.isObjectOfType(source, condition)) return true;
        for (let i = 0; i < count; i++) {
          const { name } = leaves[i]!;
          if (!hasOwn(source, name) || source[name] === undefined) return true;
        }
        for (let i = 0; i < count; i++) mergeValue(result, leaves[i]!.sentAs, source[leaves[i]!.name]);
        return true;
      };
    }
    const inner = compileRepresentation(selection.selections, types);
    return (source, result) => {
      if (types.isObjectOfType(source, condition)) mergeInto(result, inner(source));
      return true;
    };
  });
  return (source) => {
    if (source === null) return null;
    const result: ResultMap = {};
    for (const step of steps) if (!step(source, result)) return null;
    return result;
  };
}

/**
 * The fields of a selection, read as and sent as, when all of them are leaves (no selections, no
 * fragments) sent under names of their own; else undefined (the general path merges such a set whole).
 */
function leafFields(selections: readonly QueryPlanSelectionNode[]): Array<{ name: string; sentAs: string }> | undefined {
  const leaves: Array<{ name: string; sentAs: string }> = [];
  for (const selection of selections) {
    if (selection.kind !== 'Field' || selection.selections || leaves.some((leaf) => leaf.sentAs === selection.name)) return undefined;
    leaves.push({ name: getResponseName(selection), sentAs: selection.name });
  }
  return leaves;
}
