import {
  getNamedType,
  isInputType,
  typeFromAST,
  isObjectType,
  isInterfaceType,
  Kind,
  valueFromAST,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** What {@link analyzeOperation} measured of one operation, fragments expanded. */
export interface OperationShape {
  /** The deepest chain of nested fields; `{ user { name } }` is 2. */
  depth: number;
  /** How many fields carry an alias. */
  aliases: number;
  /** How many fields are selected at the root (after fragments). */
  rootFields: number;
  /**
   * An estimate of how many values the answer may hold: every field counts once per parent it can appear
   * in, and a field with a `first` argument multiplies what is under it by that `first` (the argument's
   * value, its variable's value, or its default).
   */
  cost: number;
  /** The largest `first` asked, with where (`users`, `user.orders`). */
  largestPage: { size: number; path: string } | null;
}

/** The page a `first` of this value asks for: a finite number, at least 0; anything else asks for none. */
export function pageSizeOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.max(0, value) : 0;
}

/**
 * The request's variables with the operation's defaults for those it leaves out, as execution will
 * see them: `query($n: Int = 100000) { users(first: $n) { id } }` sent without `n` asks for 100000.
 * The same object when no default is missing.
 */
export function withDefaults(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let filled: Record<string, unknown> | undefined;
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (!definition.defaultValue || variables[name] !== undefined) continue;
    const type = typeFromAST(schema, definition.type);
    if (!type || !isInputType(type)) continue;
    filled ??= { ...variables };
    filled[name] = valueFromAST(definition.defaultValue, type);
  }
  return filled ?? variables;
}

/**
 * Walks an operation against the schema once and measures what the router's limits look at. Unknown
 * fields are skipped (validation has already refused them); fragment cycles cannot occur (validation
 * refuses them too), but a depth guard keeps the walk bounded anyway.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  /** The variables as execution sees them: the request's, with the operation's defaults ({@link withDefaults}). */
  variables: Readonly<Record<string, unknown>>,
  /** Gets the name of every variable the measure read (a `first` given by a variable); the same for every request of an operation. */
  variablesRead?: Set<string>,
): OperationShape {
  const shape: OperationShape = { depth: 0, aliases: 0, rootFields: 0, cost: 0, largestPage: null };
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return shape;

  const visit = (selectionSet: SelectionSetNode, parentType: GraphQLNamedType, depth: number, multiplier: number, path: string, guard: number): void => {
    if (guard > 200) return;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) ?? parentType) : parentType;
        visit(selection.selectionSet, type, depth, multiplier, path, guard + 1);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments[selection.name.value];
        if (fragment) visit(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? parentType, depth, multiplier, path, guard + 1);
        continue;
      }
      if (depth === 0) shape.rootFields += 1;
      if (selection.alias) shape.aliases += 1;
      shape.depth = Math.max(shape.depth, depth + 1);
      shape.cost += multiplier;
      const field: GraphQLField<unknown, unknown> | undefined =
        isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[selection.name.value] : undefined;
      if (!field || !selection.selectionSet) continue;
      const fieldPath = path ? `${path}.${selection.name.value}` : selection.name.value;
      let childMultiplier = multiplier;
      const firstArgument = field.args.find((arg) => arg.name === 'first');
      if (firstArgument) {
        const node = selection.arguments?.find((arg) => arg.name.value === 'first');
        if (node?.value.kind === Kind.VARIABLE) variablesRead?.add(node.value.name.value);
        const value = node ? valueFromAST(node.value, firstArgument.type, variables) : firstArgument.defaultValue;
        const size = pageSizeOf(value);
        if (!shape.largestPage || size > shape.largestPage.size) shape.largestPage = { size, path: fieldPath };
        childMultiplier = multiplier * Math.max(1, size);
      }
      // A list without `first` does not multiply again: a connection's `nodes` and `edges` hold `first`
      // items, counted above, and an order's `items` are bounded when the order is placed.
      visit(selection.selectionSet, getNamedType(field.type), depth + 1, childMultiplier, fieldPath, guard + 1);
    }
  };
  visit(operation.selectionSet, rootType, 0, 1, '', 0);
  return shape;
}
