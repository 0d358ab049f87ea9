import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, Kind, parse, type DefinitionNode, type GraphQLSchema } from 'graphql';

/** One subgraph's SDL, by the name composition knows it by. */
export interface SubgraphSdl {
  name: string;
  sdl: string;
}

/**
 * Finds descriptions that should not be public: the API schema is what introspection, GraphiQL's docs
 * and every client's generated type comments show, so a description there is a promise to clients.
 *
 * Two rules, each a sentence in the result:
 * - A type, field, argument or enum value that several subgraphs declare is described by one of them,
 *   its owner (or identically by all, as shared value types like `PageInfo` are). Composition otherwise
 *   picks one description and drops the rest, and a subgraph's note about its own view of a shared type
 *   can win over the owner's description. A note about one subgraph's internals belongs in a `#`
 *   comment in that subgraph's SDL, which composition does not carry.
 * - No public description mentions a subgraph: clients see one graph, not how it is split.
 */
export function findDescriptionLeaks(subgraphs: readonly SubgraphSdl[], apiSchemaSdl: string): string[] {
  const leaks: string[] = [];
  const described = new Map<string, Map<string, string>>();
  for (const subgraph of subgraphs) {
    for (const [coordinate, description] of describedCoordinates(parse(subgraph.sdl).definitions)) {
      const bySubgraph = described.get(coordinate) ?? new Map<string, string>();
      bySubgraph.set(subgraph.name, description);
      described.set(coordinate, bySubgraph);
    }
  }
  for (const [coordinate, bySubgraph] of described) {
    if (new Set(bySubgraph.values()).size > 1) {
      leaks.push(
        `${coordinate} is described by ${[...bySubgraph.keys()].join(' and ')} differently: only the subgraph that owns it describes it; make the others' notes # comments.`,
      );
    }
  }
  for (const [coordinate, description] of publicDescriptions(buildSchema(apiSchemaSdl))) {
    if (/\bsubgraphs?\b/i.test(description)) leaks.push(`${coordinate}'s public description mentions a subgraph (${JSON.stringify(description)}): make that a # comment.`);
  }
  return leaks;
}

/** Every description in SDL definitions, by schema coordinate (`User`, `User.email`, `Query.user(id:)`). */
function* describedCoordinates(definitions: readonly DefinitionNode[]): Generator<[string, string]> {
  for (const definition of definitions) {
    if (!('name' in definition) || !definition.name || definition.kind === Kind.DIRECTIVE_DEFINITION) continue;
    const typeName = definition.name.value;
    if ('description' in definition && definition.description) yield [typeName, definition.description.value];
    if ('fields' in definition) {
      for (const field of definition.fields ?? []) {
        if (field.description) yield [`${typeName}.${field.name.value}`, field.description.value];
        for (const arg of 'arguments' in field ? (field.arguments ?? []) : []) {
          if (arg.description) yield [`${typeName}.${field.name.value}(${arg.name.value}:)`, arg.description.value];
        }
      }
    }
    if ('values' in definition) {
      for (const value of definition.values ?? []) if (value.description) yield [`${typeName}.${value.name.value}`, value.description.value];
    }
  }
}

/** Every description a client sees, by schema coordinate. */
function* publicDescriptions(schema: GraphQLSchema): Generator<[string, string]> {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (type.description) yield [type.name, type.description];
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.description) yield [`${type.name}.${field.name}`, field.description];
        for (const arg of field.args) if (arg.description) yield [`${type.name}.${field.name}(${arg.name}:)`, arg.description];
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (field.description) yield [`${type.name}.${field.name}`, field.description];
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (value.description) yield [`${type.name}.${value.name}`, value.description];
    }
  }
}
