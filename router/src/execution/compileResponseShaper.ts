import {
  baseType,
  ERRORS,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  isSubtype,
  Variable,
  type CompositeType,
  type Directive,
  type FieldSelection,
  type Operation,
  type OperationElement,
  type OutputType,
  type Schema,
  type SelectionSet,
} from '@apollo/federation-internals';
import type { GraphQLError } from 'graphql';
import { ownReader, ownWriter, type ResultMap } from './resultTree';

/** The response's path while shaping, as in a GraphQL error's `path`. */
type Path = Array<string | number>;

/** What one shaping pass carries along: the variables (with defaults), the errors found so far, the path. */
interface ShapeState {
  readonly variables: Record<string, unknown>;
  readonly rawVariables: Record<string, unknown> | undefined;
  readonly errors: GraphQLError[];
  readonly path: Path;
  /** Set by every value completion: the value is a null in a non-null position (bubble it up). */
  invalid: boolean;
  /** Set by every value completion: an error was already reported for this value or one inside it. */
  hasErrors: boolean;
}

/** Writes a selection set's fields into `output`; returns true when a null must bubble up to the parent. */
type SelectionSetShaper = (input: ResultMap, output: ResultMap, parentType: CompositeType, state: ShapeState) => boolean;
/** One selection of a set; same contract as {@link SelectionSetShaper}. */
type SelectionShaper = SelectionSetShaper;
/** Completes one value of a type; sets `state.invalid` and `state.hasErrors`. */
type ValueShaper = (outputValue: unknown, inputValue: unknown, parentType: CompositeType, state: ShapeState) => unknown;

/** The result of shaping: the client's `data`, and the notes on values that did not fit the schema. */
export interface ShapedResponse {
  data: ResultMap | null | undefined;
  errors: GraphQLError[];
}

/**
 * Shapes the data the plan's fetches wrote into the response the client asked for, given the request's
 * variables. Built once per operation by {@link compileResponseShaper}.
 */
export type ResponseShaper = (input: ResultMap | null | undefined, variables: Record<string, unknown> | undefined) => ShapedResponse;

/** Answers a `__schema` or `__type` field; built once per field, run with each request's variables. */
export type IntrospectionHandler = (selection: FieldSelection) => (variables: Record<string, unknown> | undefined) => unknown;

/**
 * Compiles Apollo Gateway's post-processing of a plan's data (`computeResponse` in
 * @apollo/gateway/src/resultShaping.ts) for one operation into a tree of closures.
 *
 * Stock Apollo Gateway rebuilds the operation from the document for every request and then walks it
 * through @apollo/federation-internals (looking up `@skip`/`@include` on every selection of every
 * object, testing type conditions against the schema, allocating a result record per value). Here all
 * of that is decided once: per selection, its directives become a test of one variable, its type chain
 * (non-null, list, object, leaf) a chain of functions, each type condition a set of the type names it
 * matches. What runs per request is the walk of the data itself.
 *
 * The behaviour is the stock one, step for step, because the differential suite holds it to that:
 * the order of keys, which nulls bubble up, and the `valueCompletion` notes with their messages and paths.
 */
export function compileResponseShaper(operation: Operation, introspection: IntrospectionHandler): ResponseShaper {
  const schema = operation.schema();
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
  const conditions = new TypeConditions(schema);
  const compiler = new ShaperCompiler(schema, introspection, conditions, writesEachNameOnce(operation.selectionSet, rootType.name, conditions));
  const root = compiler.selectionSet(operation.selectionSet);
  const defaults = operation.collectDefaultedVariableValues();
  return (input, variables) => {
    if (!input) return { data: input, errors: [] };
    const state: ShapeState = {
      variables: { ...defaults, ...variables },
      rawVariables: variables,
      errors: [],
      path: [],
      invalid: false,
      hasErrors: false,
    };
    const data: ResultMap = {};
    const bubbled = root(input, data, rootType, state);
    return { data: bubbled ? null : data, errors: state.errors };
  };
}

/** Compiles selection sets and types of one schema, sharing what two selections have in common. */
class ShaperCompiler {
  private readonly leafShapers = new Map<string, ValueShaper>();
  private readonly leafValidators = new Map<string, (value: unknown) => boolean>();
  private readonly types: TypesByName;

  /**
   * @param fresh No object of the answer gets a response name from two selections
   *   ({@link writesEachNameOnce}): every value is then written once into a new object, and the checks
   *   for a value already there (what a repeated selection merges into) are left out of the code.
   */
  constructor(
    private readonly schema: Schema,
    private readonly introspection: IntrospectionHandler,
    private readonly conditions: TypeConditions,
    private readonly fresh: boolean,
  ) {
    this.types = new TypesByName(schema);
  }

  selectionSet(selectionSet: SelectionSet): SelectionSetShaper {
    const steps = selectionSet.selections().map((selection) => (selection.kind === 'FieldSelection' ? this.field(selection) : this.fragment(selection.element.typeCondition, selection.selectionSet, selection.element)));
    const count = steps.length;
    return (input, output, parentType, state) => {
      for (let i = 0; i < count; i++) if (steps[i]!(input, output, parentType, state)) return true;
      return false;
    };
  }

  private fragment(typeCondition: CompositeType | undefined, selectionSet: SelectionSet, element: OperationElement): SelectionShaper {
    const skip = skipTestOf(this.schema, element);
    const inner = this.selectionSet(selectionSet);
    const matches = typeCondition ? this.conditions.matchesOf(typeCondition) : undefined;
    return (input, output, parentType, state) => {
      if (skip && skip(state.variables)) return false;
      const typename = input.__typename as unknown;
      if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
      // Without a __typename the condition is tested against the parent type, as stock does.
      if (matches && !matches.has((typename as string) || parentType.name)) return false;
      return inner(input, output, typeCondition ?? parentType, state);
    };
  }

  private field(selection: FieldSelection): SelectionShaper {
    const field = selection.element;
    const skip = skipTestOf(this.schema, field);
    const responseName = field.responseName();
    // Own properties only: an alias may be `constructor` or `__proto__` (see ownReader).
    const read = ownReader(responseName);
    const write = ownWriter(responseName);
    if (field.definition.isSchemaIntrospectionField()) {
      const answer = this.introspection(selection);
      const fresh = this.fresh;
      return (_input, output, _parentType, state) => {
        if (skip && skip(state.variables)) return false;
        if (fresh || read(output) === undefined) write(output, answer(state.rawVariables));
        return false;
      };
    }
    if (field.name === '__typename') {
      const types = this.types;
      const fresh = this.fresh;
      return (input, output, parentType, state) => {
        if (skip && skip(state.variables)) return false;
        // Already written by a repeated selection.
        if (!fresh && read(output) !== undefined) return false;
        let inputValue = read(input) ?? null;
        if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
        // The typename a subgraph gave, when it names a type of the API schema, else the parent type; if
        // that is not an object type (an @interfaceObject's interface name), the object becomes null.
        const type = (typeof inputValue === 'string' ? types.named(inputValue) : undefined) ?? types.named(parentType.name)!;
        if (!type.isObject) return true;
        write(output, type.name);
        return false;
      };
    }
    const type = field.definition.type!;
    const value = this.value(type, selection.selectionSet);
    if (this.fresh) {
      const general: SelectionShaper = (input, output, parentType, state) => {
        if (skip && skip(state.variables)) return false;
        const inputValue = read(input) ?? null;
        state.path.push(responseName);
        write(output, value(undefined, inputValue, parentType, state));
        state.path.pop();
        return state.invalid;
      };
      const leafType = isNonNullType(type) ? type.ofType : type;
      if (isListType(leafType) || isCompositeType(leafType)) return general;
      // Most values of an answer are leaves that are there and valid: they are written as they are, with
      // what the general path would leave in `state`; a null or an invalid value takes the general path,
      // which reports it.
      const valid = this.validatorOf(leafType);
      return (input, output, parentType, state) => {
        if (skip) return general(input, output, parentType, state);
        const inputValue = read(input);
        if (inputValue === undefined || inputValue === null || !valid(inputValue)) return general(input, output, parentType, state);
        write(output, inputValue);
        state.invalid = false;
        state.hasErrors = false;
        return false;
      };
    }
    return (input, output, parentType, state) => {
      if (skip && skip(state.variables)) return false;
      const inputValue = read(input) ?? null;
      state.path.push(responseName);
      write(output, value(read(output), inputValue, parentType, state));
      state.path.pop();
      return state.invalid;
    };
  }

  /** The shaper of one value of `type` (stock's `updateOutputValue`, unrolled over the type's wrappers). */
  private value(type: OutputType, selectionSet: SelectionSet | undefined): ValueShaper {
    const hasSelections = selectionSet !== undefined;
    const inner = this.valueBody(type, selectionSet);
    // Nothing is ever there before: the body is the whole of it.
    if (this.fresh) return inner;
    return (outputValue, inputValue, parentType, state) => {
      // Null already, or a leaf already written by a repeated selection: nothing more to do.
      if (outputValue === null || (outputValue !== undefined && !hasSelections)) {
        state.invalid = false;
        state.hasErrors = false;
        return outputValue;
      }
      return inner(outputValue, inputValue, parentType, state);
    };
  }

  private valueBody(type: OutputType, selectionSet: SelectionSet | undefined): ValueShaper {
    if (isNonNullType(type)) {
      const inner = this.value(type.ofType, selectionSet);
      const innerType = type.ofType;
      return (outputValue, inputValue, parentType, state) => {
        const updated = inner(outputValue, inputValue, parentType, state);
        if (updated === null) {
          if (!state.hasErrors) {
            state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Cannot return null for non-nullable ${describeLast(state.path, innerType, parentType)}.`, { path: Array.from(state.path) }));
          }
          state.invalid = true;
          state.hasErrors = true;
          return updated;
        }
        state.invalid = false;
        state.hasErrors = false;
        return updated;
      };
    }
    if (isListType(type)) {
      const element = this.value(type.ofType, selectionSet);
      return (outputValue, inputValue, parentType, state) => {
        if (inputValue === null) return nullValue(state);
        if (!Array.isArray(inputValue)) throw new Error(`Invalid non-list value ${String(inputValue)} returned by subgraph for list type ${type}`);
        if (outputValue !== undefined && !Array.isArray(outputValue)) throw new Error(`Invalid non-list value ${String(outputValue)} returned by subgraph for list type ${type}`);
        const previous = outputValue as unknown[] | undefined;
        if (previous && previous.length !== inputValue.length) throw new Error(`[${String(inputValue)}].length (${inputValue.length}) !== [${String(previous)}].length (${previous.length})`);
        const length = inputValue.length;
        const updated = new Array<unknown>(length);
        let nullify = false;
        let hasErrors = false;
        const path = state.path;
        for (let i = 0; i < length; i++) {
          path.push(i);
          updated[i] = element(previous ? previous[i] : undefined, inputValue[i], parentType, state);
          path.pop();
          // A null in a non-null element position nullifies the list; go on to report the other elements.
          if (state.invalid) nullify = true;
          if (state.hasErrors) hasErrors = true;
        }
        state.invalid = false;
        state.hasErrors = hasErrors;
        return nullify ? null : updated;
      };
    }
    if (isCompositeType(type)) {
      if (!selectionSet) throw new Error(`Invalid empty selection set for composite type ${type}`);
      const fields = this.selectionSet(selectionSet);
      const types = this.types;
      return (outputValue, inputValue, parentType, state) => {
        if (inputValue === null) return nullValue(state);
        if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
        if (outputValue !== undefined && typeof outputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
        const input = inputValue as ResultMap;
        const typename = input.__typename;
        if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${state.path.join(',')}`);
        let objectType: CompositeType = type;
        if (typename) {
          const named = types.named(typename);
          if (!named || !named.composite) {
            // Never name the type: it may be @inaccessible.
            state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(state.path, type, parentType)}.`, { path: Array.from(state.path) }));
            state.invalid = false;
            state.hasErrors = true;
            return null;
          }
          objectType = named.composite;
        }
        const output = outputValue === undefined ? {} : (outputValue as ResultMap);
        const bubbled = fields(input, output, objectType, state);
        state.invalid = false;
        state.hasErrors = bubbled;
        return bubbled ? null : output;
      };
    }
    return this.leaf(type);
  }

  /** `isValidLeafValue` for one leaf type, built once per type. */
  private validatorOf(type: OutputType): (value: unknown) => boolean {
    const key = type.toString();
    let valid = this.leafValidators.get(key);
    if (!valid) {
      valid = leafValidator(this.schema, type);
      this.leafValidators.set(key, valid);
    }
    return valid;
  }

  private leaf(type: OutputType): ValueShaper {
    const key = type.toString();
    const known = this.leafShapers.get(key);
    if (known) return known;
    const valid = this.validatorOf(type);
    const shaper: ValueShaper = (outputValue, inputValue, parentType, state) => {
      if (inputValue === null) return nullValue(state);
      if (outputValue !== undefined) throw new Error(`Excepted output to be undefined but got ${type} for type ${type}`);
      const ok = valid(inputValue);
      if (!ok) state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid value found for ${describeLast(state.path, type, parentType)}.`, { path: Array.from(state.path) }));
      state.invalid = false;
      state.hasErrors = !ok;
      return ok ? inputValue : null;
    };
    this.leafShapers.set(key, shaper);
    return shaper;
  }
}

/** A type of the schema as the shaper needs to know it, for the `__typename` of each object. */
interface TypeFacts {
  name: string;
  isObject: boolean;
  /** The type when it is an object, interface or union type. */
  composite: CompositeType | undefined;
}

/**
 * The schema's types by name, each looked up and classified once: the shaper asks for the type of
 * every object's `__typename`. Only names of the schema are kept, so a subgraph's made-up typenames
 * cannot grow it.
 */
class TypesByName {
  private readonly known = new Map<string, TypeFacts>();

  constructor(private readonly schema: Schema) {}

  named(name: string): TypeFacts | undefined {
    let facts = this.known.get(name);
    if (facts === undefined) {
      const type = this.schema.type(name);
      if (!type) return undefined;
      facts = { name: type.name, isObject: isObjectType(type), composite: isCompositeType(type) ? type : undefined };
      this.known.set(name, facts);
    }
    return facts;
  }
}

/** Which type names a fragment's type condition applies to, per schema, each condition decided once. */
class TypeConditions {
  private readonly matches = new Map<string, ReadonlySet<string>>();

  constructor(private readonly schema: Schema) {}

  /** The names of the types a fragment with this condition applies to (stock tests `isSubtype` per object). */
  matchesOf(condition: CompositeType): ReadonlySet<string> {
    let matches = this.matches.get(condition.name);
    if (!matches) {
      matches = new Set(this.schema.types().filter((type) => isSubtype(condition, type)).map((type) => type.name));
      this.matches.set(condition.name, matches);
    }
    return matches;
  }
}

/** `@skip` and `@include` of one selection as one test of the variables; undefined when it has neither. */
function skipTestOf(schema: Schema, element: OperationElement): ((variables: Record<string, unknown>) => boolean) | undefined {
  const skip = element.appliedDirectivesOf(schema.skipDirective())[0];
  const include = element.appliedDirectivesOf(schema.includeDirective())[0];
  if (!skip && !include) return undefined;
  const skipIf = skip ? conditionOf(skip) : undefined;
  const includeIf = include ? conditionOf(include) : undefined;
  return (variables) => (skipIf !== undefined && skipIf(variables)) || (includeIf !== undefined && !includeIf(variables));
}

/**
 * Whether no object of the answer can get one response name from two selections, in `selectionSet`
 * or below it (`a { x } ... on T { a { y } }` can: the shaper then merges the second into the first).
 * Decided with the fragments' type conditions as the shaper tests them, for every typename they may be
 * tested with (each type a condition names, one no condition names, and none at all), and
 * conservatively: as if every `@skip` and `@include` let its selection through.
 */
function writesEachNameOnce(selectionSet: SelectionSet, parentTypeName: string, conditions: TypeConditions): boolean {
  const typenames = new Set<string>(['', '\u0000']);
  collectConditionTypes(selectionSet, conditions, typenames);
  for (const typename of typenames) {
    if (!uniqueResponseNames(selectionSet, parentTypeName, typename, conditions, new Set())) return false;
  }
  return fieldsBelowWriteEachNameOnce(selectionSet, conditions);
}

/** {@link writesEachNameOnce} for the selection set of every field in `selectionSet`, through its fragments. */
function fieldsBelowWriteEachNameOnce(selectionSet: SelectionSet, conditions: TypeConditions): boolean {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      const inner = selection.selectionSet;
      // An introspection field is answered whole by graphql-js, not shaped.
      if (!inner || selection.element.definition.isSchemaIntrospectionField()) continue;
      if (!writesEachNameOnce(inner, baseType(selection.element.definition.type!).name, conditions)) return false;
    } else if (!fieldsBelowWriteEachNameOnce(selection.selectionSet, conditions)) {
      return false;
    }
  }
  return true;
}

function collectConditionTypes(selectionSet: SelectionSet, conditions: TypeConditions, into: Set<string>): void {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') continue;
    const condition = selection.element.typeCondition;
    if (condition) for (const name of conditions.matchesOf(condition)) into.add(name);
    collectConditionTypes(selection.selectionSet, conditions, into);
  }
}

/** Adds the response names written into an object of `typename` ('' when it has none) to `seen`; false on a repeat. */
function uniqueResponseNames(selectionSet: SelectionSet, parentTypeName: string, typename: string, conditions: TypeConditions, seen: Set<string>): boolean {
  for (const selection of selectionSet.selections()) {
    if (selection.kind === 'FieldSelection') {
      const name = selection.element.responseName();
      if (seen.has(name)) return false;
      seen.add(name);
      continue;
    }
    const condition = selection.element.typeCondition;
    // The shaper's test: the object's typename, or without one the type the enclosing selections are on.
    if (condition && !conditions.matchesOf(condition).has(typename || parentTypeName)) continue;
    if (!uniqueResponseNames(selection.selectionSet, condition?.name ?? parentTypeName, typename, conditions, seen)) return false;
  }
  return true;
}

/** A null for a nullable position: nothing to report. */
function nullValue(state: ShapeState): null {
  state.invalid = false;
  state.hasErrors = false;
  return null;
}

/** The value of a directive's `if:`, literal or variable; a missing variable fails as stock's assertion does. */
function conditionOf(directive: Directive<OperationElement, { if: boolean | Variable }>): (variables: Record<string, unknown>) => boolean {
  const argument = directive.arguments().if;
  if (!(argument instanceof Variable)) return () => argument;
  const name = argument.name;
  return (variables) => {
    const value = variables[name];
    if (value === undefined || typeof value !== 'boolean') throw new Error(`Unexpected value ${String(value)} for variable ${argument} of ${directive}`);
    return value;
  };
}

/** How stock names the position of a bad value in its notes. */
function describeLast(path: Path, currentType: OutputType, parentType: CompositeType): string {
  const element = path[path.length - 1];
  return typeof element === 'string' ? `field ${parentType}.${element}` : `array element of type ${currentType} at index ${String(element)}`;
}

/** `isValidLeafValue` of @apollo/federation-internals, decided once per leaf type. */
function leafValidator(schema: Schema, type: OutputType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  const isBoolean = type === schema.booleanType();
  const isInt = type === schema.intType();
  const isFloat = type === schema.floatType();
  const isIntOrId = isInt || type === schema.idType();
  const enumValues = isEnumType(type) ? new Set(type.values.map((value) => value.name)) : undefined;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    // Stock tests `String(value)` against /^-?(?:0|[1-9][0-9]*)$/: true exactly for the integers that
    // print without an exponent, below 1e21 in magnitude (-0 prints as "0"). Without the string.
    if (typeof value === 'number' && isFinite(value)) return isIntOrId ? Number.isInteger(value) && Math.abs(value) < 1e21 : isFloat;
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : !isBoolean && !isInt && !isFloat;
    return false;
  };
}
