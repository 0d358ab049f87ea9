import { createRandom } from '@fedstack/devkit';
import {
  getNamedType,
  getNullableType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/** The devkit's seeded pseudo-random source: the same seed gives the same operations on every run. */
export { createRandom };

/** Values to try for arguments, by argument name (ids that exist, mostly). */
export type ArgumentSamples = Record<string, readonly unknown[]>;

/**
 * Generates a random operation that is valid against `schema`: root query fields with arguments,
 * nested selections to `maxDepth`, aliases, repeated fields, `__typename`, inline fragments and named
 * fragments on abstract and concrete types, `@skip`/`@include` with literals and variables. Candidates
 * that graphql-js finds invalid (a rare field conflict) are dropped and another is drawn.
 * `omitFields` (`Type.field`) are never selected; `maxDepth` bounds the nesting (4 unless given).
 */
export function generateOperation(
  schema: GraphQLSchema,
  random: () => number,
  samples: ArgumentSamples = {},
  { maxDepth = 4, omitFields = [] }: { maxDepth?: number; omitFields?: readonly string[] } = {},
): { query: string; variables: Record<string, unknown> } {
  const omitted = new Set(omitFields);
  for (let attempt = 0; attempt < 50; attempt++) {
    const generator = new OperationGenerator(schema, random, samples, maxDepth, omitted);
    const candidate = generator.operation();
    if (validate(schema, parse(candidate.query)).length === 0) return candidate;
  }
  throw new Error('no valid operation in 50 attempts: the generator does not fit this schema');
}

class OperationGenerator {
  private aliases = 0;
  private readonly fragments: string[] = [];
  private readonly variables: Record<string, unknown> = {};
  private readonly variableDefinitions: string[] = [];

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: () => number,
    private readonly samples: ArgumentSamples,
    private readonly maxDepth: number,
    private readonly omitted: ReadonlySet<string>,
  ) {}

  operation(): { query: string; variables: Record<string, unknown> } {
    const selection = this.selectionSet(this.schema.getQueryType()!, 0, 1 + Math.floor(this.random() * 3));
    const definitions = this.variableDefinitions.length > 0 ? `(${this.variableDefinitions.join(', ')})` : '';
    return { query: [`query Fuzz${definitions} ${selection}`, ...this.fragments].join('\n'), variables: this.variables };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private directive(): string {
    if (!this.chance(0.15)) return '';
    const name = this.chance(0.5) ? 'skip' : 'include';
    if (this.chance(0.5)) return ` @${name}(if: ${this.chance(0.5)})`;
    const variable = `v${this.variableDefinitions.length}`;
    this.variableDefinitions.push(`$${variable}: Boolean!`);
    this.variables[variable] = this.chance(0.5);
    return ` @${name}(if: $${variable})`;
  }

  private selectionSet(type: GraphQLCompositeType, depth: number, count: number): string {
    const parts: string[] = [];
    if (this.chance(0.3)) parts.push(`${this.chance(0.3) ? `t${this.aliases++}: ` : ''}__typename`);
    if (isAbstractType(type)) {
      parts.push('__typename');
      const possible = this.schema.getPossibleTypes(type);
      for (const member of possible) if (this.chance(0.6)) parts.push(this.fragment(member, depth));
      if (isObjectType(type) || !('getFields' in type)) return `{ ${parts.join(' ')} }`;
    }
    if (!('getFields' in type)) return `{ ${parts.join(' ')} }`;
    const fields = Object.values(type.getFields()).filter((field) => !field.name.startsWith('__') && !this.omitted.has(`${type.name}.${field.name}`));
    for (let i = 0; i < count; i++) {
      const field = this.pick(fields);
      const named = getNamedType(field.type);
      const args = this.arguments(field.args);
      if (args === undefined) continue;
      // Unique aliases never conflict; unaliased leaves without arguments may repeat.
      const aliased = args !== '' || !isLeafType(named) || this.chance(0.4);
      const head = `${aliased ? `a${this.aliases++}: ` : ''}${field.name}${args}${this.directive()}`;
      if (isLeafType(named)) parts.push(head);
      else if (depth < this.maxDepth) parts.push(`${head} ${this.selectionSet(named as GraphQLCompositeType, depth + 1, 1 + Math.floor(this.random() * 3))}`);
    }
    if (depth < this.maxDepth && this.chance(0.2)) parts.push(this.fragment(type, depth));
    if (parts.length === 0) parts.push('__typename');
    return `{ ${parts.join(' ')} }`;
  }

  /** An inline fragment, or a spread of a named one, on `type`. */
  private fragment(type: GraphQLCompositeType, depth: number): string {
    const body = this.selectionSet(type, depth + 1, 1 + Math.floor(this.random() * 2));
    if (this.chance(0.5)) return `... on ${type.name}${this.directive()} ${body}`;
    const name = `F${this.fragments.length}`;
    this.fragments.push(`fragment ${name} on ${type.name} ${body}`);
    return `...${name}${this.directive()}`;
  }

  /** Arguments: every required one, optional ones sometimes; undefined when one cannot be made. */
  private arguments(args: readonly GraphQLArgument[]): string | undefined {
    const written: string[] = [];
    for (const arg of args) {
      if (!isNonNullType(arg.type) && !this.chance(0.4)) continue;
      const value = this.value(arg.name, arg.type, 0);
      if (value === undefined) {
        if (isNonNullType(arg.type)) return undefined;
        continue;
      }
      written.push(`${arg.name}: ${value}`);
    }
    return written.length > 0 ? `(${written.join(', ')})` : '';
  }

  private value(name: string, type: GraphQLInputType, depth: number): string | undefined {
    const sample = this.samples[name];
    if (sample) return JSON.stringify(this.pick(sample));
    const inner = getNullableType(type);
    if (isListType(inner)) {
      const element = this.value(name, inner.ofType as GraphQLInputType, depth + 1);
      return element === undefined ? undefined : `[${element}]`;
    }
    if (isEnumType(inner)) return this.pick(inner.getValues()).name;
    if (isInputObjectType(inner)) {
      if (depth > 3) return undefined;
      const fields = Object.values(inner.getFields()).filter((field) => isNonNullType(field.type));
      const values = fields.map((field) => [field.name, this.value(field.name, field.type, depth + 1)] as const);
      if (values.some(([, value]) => value === undefined)) return undefined;
      return `{ ${values.map(([field, value]) => `${field}: ${value}`).join(', ')} }`;
    }
    switch (inner.name) {
      case 'Int':
        return String(1 + Math.floor(this.random() * 5));
      case 'Float':
        return String(this.random() * 10);
      case 'Boolean':
        return String(this.chance(0.5));
      default:
        return JSON.stringify(`x${Math.floor(this.random() * 3)}`);
    }
  }
}
