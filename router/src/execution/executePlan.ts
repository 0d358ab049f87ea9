import type { GraphQLDataSource } from '@apollo/gateway';
import { errorCodeDef, ERRORS, type VariableDefinitions } from '@apollo/federation-internals';
import { evaluateCondition, type FetchNode, type PlanNode, type ResponsePath } from '@apollo/query-planner';
import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError } from 'graphql';
import { applyRewrites } from './applyRewrites';
import { compileRepresentation, type RepresentationBuilder } from './compileRepresentation';
import { RepresentationIndex } from './RepresentationIndex';
import { hasOwn, mergeInto, type ResultMap } from './resultTree';
import type { TypeMatcher } from './TypeMatcher';
import { incomingOperation } from '../upstream/forwardRequestContext';


/** What running one plan for one request needs. */
export interface PlanRun {
  /** The subgraphs' data sources, by the names the plan's fetches use. */
  services: ReadonlyMap<string, GraphQLDataSource>;
  requestContext: GatewayGraphQLRequestContext;
  /** The operation's variable definitions, for the defaults of `Condition` nodes. */
  variableDefinitions: VariableDefinitions;
  types: TypeMatcher;
  /** Errors of the fetches, in the order they happened (subgraph errors, failed fetches). */
  errors: GraphQLError[];
  /** Send each distinct representation of an `_entities` fetch once (`ROUTER_DEDUPE_REPRESENTATIONS`). */
  dedupeRepresentations: boolean;
}

/**
 * Where a plan node works: the objects of the response tree at a path (one object, or every object a
 * path with `@` reaches through lists), and that path.
 */
interface Cursor {
  path: ResponsePath;
  data: ResultMap | ResultMap[];
  /** The whole response tree, to turn an `_entities` error's index back into a path. */
  fullResult: ResultMap;
}

/** Per fetch node, what is compiled once: the builder of its representations. Lives as long as the plan. */
const representationBuilders = new WeakMap<FetchNode, RepresentationBuilder>();

/**
 * Runs a query plan's nodes (Sequence, Parallel, Flatten, Fetch, Condition) and writes every subgraph's
 * answer into `data`, the one response tree of this request. The order of work and what is sent are
 * Apollo Gateway's (`executeNode`/`executeFetch` in @apollo/gateway/src/executeQueryPlan.ts); what
 * differs is the cost: a fetch's representations come from a builder compiled once per fetch node, and
 * answers are merged in place without tracing spans or protobuf trace nodes per node.
 */
export async function executePlan(run: PlanRun, node: PlanNode, data: ResultMap): Promise<void> {
  await executeNode(run, node, { path: [], data, fullResult: data });
}

async function executeNode(run: PlanRun, node: PlanNode, cursor: Cursor | undefined): Promise<void> {
  // A Flatten whose path leads to nothing (a null parent): nothing to fetch below it.
  if (!cursor) return;
  switch (node.kind) {
    case 'Sequence':
      for (const child of node.nodes) await executeNode(run, child, cursor);
      return;
    case 'Parallel':
      await Promise.all(node.nodes.map((child) => executeNode(run, child, cursor)));
      return;
    case 'Flatten':
      return executeNode(run, node.node, moveIntoCursor(cursor, node.path));
    case 'Fetch':
      try {
        await executeFetch(run, node, cursor);
      } catch (error) {
        run.errors.push(error as GraphQLError);
      }
      return;
    case 'Condition': {
      const branch = evaluateCondition(node, run.variableDefinitions, run.requestContext.request.variables) ? node.ifClause : node.elseClause;
      if (branch) await executeNode(run, branch, cursor);
      return;
    }
    case 'Defer':
      throw new Error('@defer support is not available in the gateway');
  }
}

async function executeFetch(run: PlanRun, fetch: FetchNode, cursor: Cursor): Promise<void> {
  const service = run.services.get(fetch.serviceName);
  if (!service) throw new Error(`Couldn't find service with name "${fetch.serviceName}"`);
  const entities: ResultMap[] = Array.isArray(cursor.data) ? withoutNulls(cursor.data) : [cursor.data];
  if (entities.length < 1) return;

  const variables: Record<string, unknown> = {};
  const provided = run.requestContext.request.variables;
  if (fetch.variableUsages && provided) {
    for (const name of fetch.variableUsages) {
      if (hasOwn(provided, name) && provided[name] !== undefined) variables[name] = provided[name];
    }
  }

  if (!fetch.requires) {
    const received = await sendOperation(run, service, fetch, cursor, variables);
    if (received) applyRewrites(run.types, fetch.outputRewrites, received);
    for (const entity of entities) mergeInto(entity, received);
    return;
  }

  let build = representationBuilders.get(fetch);
  if (!build) {
    build = compileRepresentation(fetch.requires, run.types);
    representationBuilders.set(fetch, build);
  }
  // `representationToEntity[n]`: the entity (its index in `entities`) representation n was built from.
  // With dedupeRepresentations each distinct representation is sent once, and `numbers[i]` is the
  // representation entity i built (-1: none), so every entity that shares one gets its answer, and an
  // error at `_entities.n` is reported at each index those entities would have had in stock's list
  // (where every entity is sent). Without, `numbers` is not built.
  const representations: ResultMap[] = [];
  const representationToEntity: number[] = [];
  const distinct = run.dedupeRepresentations ? new RepresentationIndex() : undefined;
  const numbers = distinct ? new Int32Array(entities.length).fill(-1) : undefined;
  let built = 0;
  for (let i = 0; i < entities.length; i++) {
    const representation = build(entities[i]!);
    if (representation && representation.__typename) {
      applyRewrites(run.types, fetch.inputRewrites, representation);
      const number = distinct ? distinct.numberOf(representation) : representations.length;
      if (number === representations.length) {
        representations.push(representation);
        representationToEntity.push(i);
      }
      if (numbers) numbers[i] = number;
      built++;
    }
  }
  // No entity matched the fetch's type conditions.
  if (representations.length < 1) return;
  if ('representations' in variables) throw new Error('Variables cannot contain key "representations"');

  const shared = numbers !== undefined && built > representations.length;
  const sentBy = shared ? () => sentIndexes(numbers, representations.length) : undefined;
  const received = await sendOperation(run, service, fetch, cursor, { ...variables, representations }, sentBy);
  if (!received) return;
  const receivedEntities = received._entities as unknown;
  if (!Array.isArray(receivedEntities)) throw new Error('Expected "data._entities" in response to be an array');
  if (receivedEntities.length !== representations.length) throw new Error(`Expected "data._entities" to contain ${representations.length} elements`);
  // Entities that share a representation share what the subgraph answered for it: the same entity,
  // reached on the same path of the plan, so every later fetch below it is the same for each.
  const nextSharing = shared ? entitiesSharing(numbers, representations.length) : undefined;
  for (let n = 0; n < receivedEntities.length; n++) {
    const receivedEntity = receivedEntities[n] as ResultMap | null;
    const first = representationToEntity[n]!;
    const entity = entities[first]!;
    if (receivedEntity && !receivedEntity.__typename) receivedEntity.__typename = entity.__typename;
    applyRewrites(run.types, fetch.outputRewrites, receivedEntity);
    mergeInto(entity, receivedEntity);
    if (nextSharing) for (let i = nextSharing[first]!; i >= 0; i = nextSharing[i]!) mergeInto(entities[i]!, receivedEntity);
  }
}

/** The list itself when it holds no null or undefined (a flattened list, this request's own), else a copy without them. */
function withoutNulls(list: ResultMap[]): ResultMap[] {
  for (let i = 0; i < list.length; i++) {
    if (list[i] === null || list[i] === undefined) return list.filter((entity) => entity !== null && entity !== undefined);
  }
  return list;
}

/** Per entity, the next entity (its index) that built the same representation, -1 after the last. */
function entitiesSharing(numbers: Int32Array, count: number): Int32Array {
  const next = new Int32Array(numbers.length).fill(-1);
  const last = new Int32Array(count).fill(-1);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    if (n < 0) continue;
    if (last[n]! >= 0) next[last[n]!] = i;
    last[n] = i;
  }
  return next;
}

/** Per distinct representation, the indexes its entities would have had in stock's list (every entity sent), in order. */
function sentIndexes(numbers: Int32Array, count: number): number[][] {
  const sentBy = Array.from({ length: count }, (): number[] => []);
  let sent = 0;
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i]!;
    if (n >= 0) sentBy[n]!.push(sent++);
  }
  return sentBy;
}

/** Sends one fetch through the subgraph's data source; records its errors; returns its `data`. */
async function sendOperation(
  run: PlanRun,
  service: GraphQLDataSource,
  fetch: FetchNode,
  cursor: Cursor,
  variables: Record<string, unknown>,
  sentBy?: () => readonly (readonly number[])[],
): Promise<ResultMap | null | undefined> {
  const requestContext = run.requestContext;
  const response = await service.process({
    kind: incomingOperation,
    request: { query: fetch.operation, variables, operationName: fetch.operationName },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: fetch.operationDocumentNode,
    pathInIncomingRequest: cursor.path,
  });
  if (response.errors) {
    const pathOf = lazyErrorPaths(fetch, cursor);
    const errors = sentBy ? asIfEachWasSent(response.errors, sentBy()) : response.errors;
    for (const error of errors) run.errors.push(downstreamServiceError(error, fetch.serviceName, pathOf));
    if (!response.extensions?.ftv1) {
      const errorPaths = response.errors.map((error) => ({ subgraph: fetch.serviceName, path: error.path }));
      const metrics = requestContext.metrics;
      if (metrics.nonFtv1ErrorPaths) metrics.nonFtv1ErrorPaths.push(...errorPaths);
      else metrics.nonFtv1ErrorPaths = errorPaths;
    }
  }
  return response.data;
}

/**
 * A subgraph's errors for distinct representations, as they would have been had every entity been sent:
 * an error at `_entities.n` once for each entity that representation n stands for, at the index that
 * entity had in the full list, in that order (the order a subgraph reports a list's errors in). An
 * error elsewhere keeps its place after the error before it.
 */
function asIfEachWasSent(errors: readonly GraphQLFormattedError[], sentBy: readonly (readonly number[])[]): GraphQLFormattedError[] {
  const placed: Array<{ at: number; error: GraphQLFormattedError }> = [];
  let at = -1;
  for (const error of errors) {
    const path = error.path;
    const indexes = path && path[0] === '_entities' && typeof path[1] === 'number' ? sentBy[path[1]] : undefined;
    if (!indexes) {
      placed.push({ at, error });
      continue;
    }
    for (const index of indexes) placed.push({ at: index, error: { ...error, path: ['_entities', index, ...path!.slice(2)] } });
    at = indexes[0]!;
  }
  // Array.prototype.sort is stable: errors of one entity keep the subgraph's order.
  return placed.sort((a, b) => a.at - b.at).map(({ error }) => error);
}

/**
 * Maps a subgraph error's path to the client's: for an `_entities` fetch its index is replaced by where
 * that entity sits in the response (computed only when an error asks), else the fetch's path is prefixed.
 */
function lazyErrorPaths(fetch: FetchNode, cursor: Cursor): (path: GraphQLFormattedError['path']) => GraphQLErrorOptions['path'] {
  let hydrated: ResponsePath[] | undefined;
  return (errorPath) => {
    if (fetch.requires && typeof errorPath?.[1] === 'number') {
      if (!hydrated) {
        hydrated = [];
        hydratePaths([], cursor.path, cursor.fullResult, hydrated);
      }
      return [...(hydrated[errorPath[1]] ?? []), ...errorPath.slice(2)];
    }
    return errorPath ? [...cursor.path, ...errorPath] : undefined;
  };
}

/** Every concrete path (`@` replaced by each index) that `path` reaches in `data`, in order. */
function hydratePaths(parent: ResponsePath, path: ResponsePath, data: unknown, result: ResponsePath[]): void {
  if (data === null || data === undefined) return;
  const head = path[0];
  if (head === undefined) {
    result.push(parent.slice());
  } else if (head === '@') {
    if (!Array.isArray(data)) throw new Error('expected array when encountering `@`');
    for (let i = 0; i < data.length; i++) {
      parent.push(i);
      hydratePaths(parent, path.slice(1), data[i], result);
      parent.pop();
    }
  } else if (typeof head === 'string') {
    if (Array.isArray(data)) {
      for (let i = 0; i < data.length; i++) {
        parent.push(i);
        hydratePaths(parent, path, data[i], result);
        parent.pop();
      }
    } else if (hasOwn(data as object, head)) {
      parent.push(head);
      hydratePaths(parent, path.slice(1), (data as ResultMap)[head], result);
      parent.pop();
    }
  } else {
    throw new Error(`unknown path part "${String(head)}"`);
  }
}

function moveIntoCursor(cursor: Cursor, pathInCursor: ResponsePath): Cursor | undefined {
  const data = flattenAtPath(cursor.data, pathInCursor, 0);
  return data ? { path: cursor.path.concat(pathInCursor), data, fullResult: cursor.fullResult } : undefined;
}

/**
 * The objects at `path` below `value`, lists (`@`) flattened into one list (Apollo Gateway's
 * `flattenResultsAtPath`): the object itself while the path has no `@`, else every object one list
 * holds. A null or missing value on the way is kept as one element (or is the answer, before the first `@`).
 */
function flattenAtPath(value: ResultMap | ResultMap[] | null | undefined, path: ResponsePath, from: number): ResultMap | ResultMap[] | null | undefined {
  if (from === path.length || value === undefined || value === null) return value;
  const current = path[from]!;
  if (current === '@') {
    const flat: ResultMap[] = [];
    collectAtPath(value, path, from, flat);
    return flat;
  }
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  return flattenAtPath(hasOwn(value, current) ? (value[current] as ResultMap | ResultMap[] | null) : undefined, path, from + 1);
}

/** Pushes what {@link flattenAtPath} gives for `value` at `path[from]` onto `flat`, one list for every level, no list per level built. */
function collectAtPath(value: ResultMap | ResultMap[] | null | undefined, path: ResponsePath, from: number, flat: ResultMap[]): void {
  if (from === path.length || value === undefined || value === null) {
    // As Array.prototype.flatMap: a list is spread, anything else (null included) kept as one element.
    if (Array.isArray(value)) for (const item of value) flat.push(item);
    else flat.push(value as ResultMap);
    return;
  }
  const current = path[from]!;
  if (current === '@') {
    const list = value as ResultMap[];
    for (const element of list) collectAtPath(element, path, from + 1, flat);
    return;
  }
  if (typeof current !== 'string') throw new Error(`Unexpected ${typeof current} found in path`);
  if (Array.isArray(value)) throw new Error(`Unexpected array in result for path element ${current}`);
  collectAtPath(hasOwn(value, current) ? (value[current] as ResultMap | ResultMap[] | null) : undefined, path, from + 1, flat);
}

/** A subgraph's error as the client sees it: Apollo Gateway's `downstreamServiceError`, unchanged. */
function downstreamServiceError(original: GraphQLFormattedError, serviceName: string, pathOf: (path: GraphQLFormattedError['path']) => GraphQLErrorOptions['path']): GraphQLError {
  const message = original.message || `Error while fetching subquery from service "${serviceName}"`;
  const extensions = original.extensions;
  const options: GraphQLErrorOptions = {
    originalError: original as Error,
    path: pathOf(original.path),
    extensions: { ...extensions, serviceName },
  };
  const codeDef = errorCodeDef(original);
  // A code the gateway does not know (one a data source or the subgraph made up) is kept as it is.
  if (!codeDef && extensions?.code) return new GraphQLError(message, options);
  return (codeDef ?? ERRORS.DOWNSTREAM_SERVICE_ERROR).err(message, options);
}
