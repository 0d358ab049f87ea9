import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import { ErrorCode, requestError } from '@fedstack/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { analyzeOperation, pageSizeOf, withDefaults, type OperationShape } from './analyzeOperation';

/** What one operation measured: the variables the measure reads, and the shape for each set of page sizes they gave. */
interface Measured {
  variables: readonly string[];
  shapes: Map<string, OperationShape>;
}

/** Shapes kept per operation, one per set of page sizes its variables gave. */
const maxShapesPerOperation = 64;

/**
 * Per schema and operation, what was measured. Apollo Server parses and validates a query text once
 * and hands every request with that text the same document, so an operation is measured once for each
 * set of page sizes its `first` variables ask for (all the measure reads of them) instead of walked
 * again per request; a new schema, or a text no longer in Apollo Server's cache, is measured afresh
 * (weakly held, nothing to evict). The key holds numbers only, whatever a client sends as a variable.
 */
const measuredOperations = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, Measured>>();

function measure(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, sent: Readonly<Record<string, unknown>>): OperationShape {
  const variables = withDefaults(schema, operation, sent);
  let bySchema = measuredOperations.get(schema);
  if (!bySchema) {
    bySchema = new WeakMap();
    measuredOperations.set(schema, bySchema);
  }
  const known = bySchema.get(operation);
  if (known) {
    const shape = known.shapes.get(valuesKey(known.variables, variables));
    if (shape) return shape;
  }
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  }
  const read = new Set<string>();
  const shape = analyzeOperation(schema, operation, fragments, variables, read);
  const measured = known ?? { variables: [...read], shapes: new Map<string, OperationShape>() };
  if (!known) bySchema.set(operation, measured);
  if (measured.shapes.size < maxShapesPerOperation) measured.shapes.set(valuesKey(measured.variables, variables), shape);
  return shape;
}

/** The page sizes the variables `names` ask for, as one key: what the measure reads of them. */
function valuesKey(names: readonly string[], variables: Readonly<Record<string, unknown>>): string {
  let key = '';
  for (const name of names) key += `${pageSizeOf(variables[name])},`;
  return key;
}

/** The limits an operation must stay within; each has a safe default in config.ts. */
export interface OperationLimits {
  maxDepth: number;
  maxAliases: number;
  maxRootFields: number;
  /** The largest `first` any field may be asked for. */
  maxPageSize: number;
  /** See `OperationShape.cost`. */
  maxCost: number;
}

/**
 * Apollo Server's answer when the document has no operation to run: several and no `operationName`,
 * or an `operationName` that names none of them. Thrown here, before anything reads the operation, it
 * is a 400 with Apollo Server's own code, as stock Apollo Server answers.
 */
function unresolvedOperation(operations: number, operationName: string | undefined): GraphQLError {
  const message =
    operationName === undefined
      ? operations > 1
        ? 'Must provide operation name if query contains multiple operations.'
        : 'Must provide an operation.'
      : `Unknown operation named "${operationName}".`;
  return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
}

/**
 * Refuses, before any subgraph is called, an operation that nests too deep, uses too many aliases or
 * root fields, asks for too large a page, or whose estimated cost (page sizes multiplied through
 * nesting) is too high. Each refusal is HTTP 400 with its own code and the measured value, so a client
 * knows what to change. (The token limit is enforced by the parser itself: see service.ts.) A document
 * with no operation to run is refused here too, so no later plugin meets an undefined operation.
 */
export function useOperationLimits(limits: OperationLimits): ApolloServerPlugin<BaseContext> {
  // Made once, not per request: see docs/performance.md, "Hooks made once".
  const hooks: GraphQLRequestListener<BaseContext> = {
    async didResolveOperation({ document, operation, request, schema }) {
      if (!operation) throw unresolvedOperation(document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION).length, request.operationName);
      const shape = measure(schema, document, operation, request.variables ?? {});
      if (shape.depth > limits.maxDepth) {
        throw requestError(ErrorCode.QUERY_TOO_DEEP, `The operation is ${shape.depth} levels deep; at most ${limits.maxDepth} are allowed.`, { depth: shape.depth, limit: limits.maxDepth });
      }
      if (shape.aliases > limits.maxAliases) {
        throw requestError(ErrorCode.TOO_MANY_ALIASES, `The operation uses ${shape.aliases} aliases; at most ${limits.maxAliases} are allowed.`, { aliases: shape.aliases, limit: limits.maxAliases });
      }
      if (shape.rootFields > limits.maxRootFields) {
        throw requestError(ErrorCode.TOO_MANY_ROOT_FIELDS, `The operation selects ${shape.rootFields} root fields; at most ${limits.maxRootFields} are allowed.`, {
          rootFields: shape.rootFields,
          limit: limits.maxRootFields,
        });
      }
      if (shape.largestPage && shape.largestPage.size > limits.maxPageSize) {
        throw requestError(ErrorCode.BAD_USER_INPUT, `${shape.largestPage.path}: first must be at most ${limits.maxPageSize}, but got: ${shape.largestPage.size}`, {
          field: `${shape.largestPage.path}.first`,
        });
      }
      if (shape.cost > limits.maxCost) {
        throw requestError(ErrorCode.QUERY_TOO_COSTLY, `The operation may return about ${shape.cost} values; at most ${limits.maxCost} are allowed. Ask for smaller pages or fewer nested lists.`, {
          cost: shape.cost,
          limit: limits.maxCost,
        });
      }
    },
  };
  return {
    async requestDidStart() {
      return hooks;
    },
  };
}
