import {
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
  type NamedType,
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
  const compiler = new ShaperCompiler(schema, introspection);
  const root = compiler.selectionSet(operation.selectionSet);
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!;
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
  private readonly typeConditionMatches = new Map<string, ReadonlySet<string>>();
  private readonly leafShapers = new Map<string, ValueShaper>();

  constructor(
    private readonly schema: Schema,
    private readonly introspection: IntrospectionHandler,
  ) {}

  selectionSet(selectionSet: SelectionSet): SelectionSetShaper {
    const steps = selectionSet.selections().map((selection) => (selection.kind === 'FieldSelection' ? this.field(selection) : this.fragment(selection.element.typeCondition, selection.selectionSet, selection.element)));
    const count = steps.length;
    return (input, output, parentType, state) => {
      for (let i = 0; i < count; i++) if (steps[i]!(input, output, parentType, state)) return true;
      return false;
    };
  }

  private fragment(typeCondition: CompositeType | undefined, selectionSet: SelectionSet, element: OperationElement): SelectionShaper {
    const skip = this.skipTest(element);
    const inner = this.selectionSet(selectionSet);
    const matches = typeCondition ? this.matchesOf(typeCondition) : undefined;
    return (input, output, parentType, state) => {
      if (skip && skip(state)) return false;
      const typename = input.__typename as unknown;
      if (typename && typeof typename !== 'string') throw new Error(`Got unexpected value for __typename: ${String(typename)}`);
      // Without a __typename the condition is tested against the parent type, as stock does.
      if (matches && !matches.has((typename as string) || parentType.name)) return false;
      return inner(input, output, typeCondition ?? parentType, state);
    };
  }

  private field(selection: FieldSelection): SelectionShaper {
    const field = selection.element;
    const skip = this.skipTest(field);
    const responseName = field.responseName();
    // Own properties only: an alias may be `constructor` or `__proto__` (see ownReader).
    const read = ownReader(responseName);
    const write = ownWriter(responseName);
    if (field.definition.isSchemaIntrospectionField()) {
      const answer = this.introspection(selection);
      return (_input, output, _parentType, state) => {
        if (skip && skip(state)) return false;
        if (read(output) === undefined) write(output, answer(state.rawVariables));
        return false;
      };
    }
    if (field.name === '__typename') {
      const schema = this.schema;
      return (input, output, parentType, state) => {
        if (skip && skip(state)) return false;
        // Already written by a repeated selection.
        if (read(output) !== undefined) return false;
        let inputValue = read(input) ?? null;
        if (inputValue === null && responseName !== '__typename') inputValue = input.__typename ?? null;
        // The typename a subgraph gave, when it names a type of the API schema, else the parent type; if
        // that is not an object type (an @interfaceObject's interface name), the object becomes null.
        const type: NamedType = typeof inputValue === 'string' ? (schema.type(inputValue) ?? parentType) : parentType;
        if (!isObjectType(type)) return true;
        write(output, type.name);
        return false;
      };
    }
    const value = this.value(field.definition.type!, selection.selectionSet);
    return (input, output, parentType, state) => {
      if (skip && skip(state)) return false;
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
      const schema = this.schema;
      return (outputValue, inputValue, parentType, state) => {
        if (inputValue === null) return nullValue(state);
        if (typeof inputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
        if (outputValue !== undefined && typeof outputValue !== 'object') throw new Error(`Invalid non-object value ${String(inputValue)} returned by subgraph for composite type ${type}`);
        const input = inputValue as ResultMap;
        const typename = input.__typename;
        if (typename !== undefined && typeof typename !== 'string') throw new Error(`Invalid non-string value ${String(typename)} for __typename at ${state.path.join(',')}`);
        let objectType: CompositeType = type;
        if (typename) {
          const named = schema.type(typename);
          if (!named || !isCompositeType(named)) {
            // Never name the type: it may be @inaccessible.
            state.errors.push(ERRORS.INVALID_GRAPHQL.err(`Invalid __typename found for object at ${describeLast(state.path, type, parentType)}.`, { path: Array.from(state.path) }));
            state.invalid = false;
            state.hasErrors = true;
            return null;
          }
          objectType = named;
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

  private leaf(type: OutputType): ValueShaper {
    const key = type.toString();
    const known = this.leafShapers.get(key);
    if (known) return known;
    const valid = leafValidator(this.schema, type);
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

  /** The names of the types a fragment with this condition applies to (stock tests `isSubtype` per object). */
  private matchesOf(condition: CompositeType): ReadonlySet<string> {
    let matches = this.typeConditionMatches.get(condition.name);
    if (!matches) {
      matches = new Set(this.schema.types().filter((type) => isSubtype(condition, type)).map((type) => type.name));
      this.typeConditionMatches.set(condition.name, matches);
    }
    return matches;
  }

  /** `@skip` and `@include` of one selection as one test of the variables; undefined when it has neither. */
  private skipTest(element: OperationElement): ((state: ShapeState) => boolean) | undefined {
    const skip = element.appliedDirectivesOf(this.schema.skipDirective())[0];
    const include = element.appliedDirectivesOf(this.schema.includeDirective())[0];
    if (!skip && !include) return undefined;
    const skipIf = skip ? conditionOf(skip) : undefined;
    const includeIf = include ? conditionOf(include) : undefined;
    return (state) => (skipIf !== undefined && skipIf(state.variables)) || (includeIf !== undefined && !includeIf(state.variables));
  }
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
  const integer = /^-?(?:0|[1-9][0-9]*)$/;
  return (value) => {
    if (typeof value === 'boolean') return isBoolean;
    if (typeof value === 'number' && isFinite(value)) return isIntOrId ? integer.test(String(value)) : isFloat;
    if (typeof value === 'string') return enumValues ? enumValues.has(value) : !isBoolean && !isInt && !isFloat;
    return false;
  };
}
