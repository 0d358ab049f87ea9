import type { ApolloGateway, GraphQLDataSource } from '@apollo/gateway';
import { operationFromDocument, Supergraph, type FieldSelection, type Operation, type Schema } from '@apollo/federation-internals';
import { prettyFormatQueryPlan, QueryPlanner, type QueryPlan } from '@apollo/query-planner';
import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewayInterface,
  GatewayLoadResult,
  GatewaySchemaLoadOrUpdateCallback,
  GatewayUnsubscriber,
} from '@apollo/server-gateway-interface';
import {
  executeSync,
  GraphQLError,
  Kind,
  OperationTypeNode,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { compileResponseShaper, type ResponseShaper } from './compileResponseShaper';
import { executePlan } from './executePlan';
import { hasOwn, type ResultMap } from './resultTree';
import { readRequiresWithArguments, rewriteRequiresArguments, type RequiresWithArguments } from './rewriteRequiresArguments';
import { TypeMatcher } from './TypeMatcher';

/** How the {@link ExecutingGateway} runs. */
export interface ExecutingGatewayOptions {
  /**
   * The subgraphs' data sources by name, as the gateway's `buildService` made them (it fills the map as
   * the supergraph loads). Every fetch goes through them: identity headers, signing, resilience,
   * deduplication and cache-control hints stay theirs.
   */
  services: ReadonlyMap<string, GraphQLDataSource>;
  /** Answer `Apollo-Query-Plan-Experimental` with the plan, as the gateway's `__exposeQueryPlanExperimental`. */
  exposeQueryPlan: boolean;
  /** Send each distinct representation of an `_entities` fetch once (see executePlan). Defaults to true. */
  dedupeRepresentations?: boolean;
  /** Operations whose plan and compiled shaper are kept per supergraph; the oldest goes first. Defaults to 1000. */
  maxOperations?: number;
}

/**
 * Apollo Gateway's own query planner for `supergraphSdl`, if it offers it: the one its executor would
 * plan with, built over the same supergraph just before the gateway calls its schema listeners. The
 * gateway hands it out through `__testing()` (in its typings, not its docs), so it is taken only when
 * that answers for this very supergraph; otherwise the router builds its own. Sharing it saves a second
 * supergraph, API schema and query graph: 2.5 MB of heap on the bench's small supergraph, in proportion
 * to the schema on a large one.
 */
export function gatewayPlanner(gateway: ApolloGateway, supergraphSdl: string): QueryPlanner | undefined {
  const testing = (gateway as Partial<Pick<ApolloGateway, '__testing'>>).__testing?.();
  return testing?.supergraphSdl === supergraphSdl && testing.queryPlanner instanceof QueryPlanner ? testing.queryPlanner : undefined;
}

/** One operation, planned and compiled once per supergraph. */
interface CompiledOperation {
  plan: QueryPlan;
  operation: Operation;
  shape: ResponseShaper;
  variableDefinitions: readonly VariableDefinitionNode[] | undefined;
}

/** What is derived from one supergraph; replaced whole when the supergraph changes. */
interface SchemaState {
  apiSchema: GraphQLSchema;
  api: Schema;
  planner: QueryPlanner;
  types: TypeMatcher;
  /** The @requires whose fields take arguments, whose plans {@link rewriteRequiresArguments} corrects; undefined when none. */
  requiresWithArguments: RequiresWithArguments | undefined;
  operations: Map<string, CompiledOperation>;
}

/**
 * Apollo Gateway for composition and query planning, and the router's own executor for everything after
 * the plan. It is what Apollo Server is given as its `gateway`: loading, schema updates and shutdown
 * are the wrapped {@link ApolloGateway}'s; each operation is planned by @apollo/query-planner (the
 * gateway's planner, on the same supergraph) and then:
 *
 * - the plan, the operation built from the document, and a response shaper compiled for it are kept
 *   per operation, where stock Apollo Gateway rebuilds the operation and re-walks it on every request;
 * - the plan is run by {@link executePlan}, which writes each subgraph's answer into one tree in place;
 * - the tree is shaped into the client's answer by the compiled shaper ({@link compileResponseShaper}).
 *
 * Stock Apollo Gateway's executor is its `executor`; `ROUTER_EXECUTOR=apollo` serves that instead, and
 * the differential suite (test/differential) holds the two to the same answers and errors.
 */
export class ExecutingGateway implements GatewayInterface {
  private state: SchemaState | undefined;
  private readonly maxOperations: number;

  constructor(
    private readonly gateway: ApolloGateway,
    private readonly options: ExecutingGatewayOptions,
  ) {
    this.maxOperations = options.maxOperations ?? 1000;
    // Registered before load(), so the first supergraph is seen too.
    gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      const planner = gatewayPlanner(gateway, coreSupergraphSdl) ?? new QueryPlanner(Supergraph.build(coreSupergraphSdl));
      const { supergraph } = planner;
      this.state = {
        apiSchema,
        api: supergraph.apiSchema(),
        planner,
        types: new TypeMatcher(supergraph.schema.toGraphQLJSSchema()),
        requiresWithArguments: readRequiresWithArguments(supergraph),
        operations: new Map(),
      };
    });
  }

  async load(options: Parameters<GatewayInterface['load']>[0]): Promise<GatewayLoadResult> {
    await this.gateway.load(options);
    return { executor: (requestContext) => this.execute(requestContext) };
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): GatewayUnsubscriber {
    return this.gateway.onSchemaLoadOrUpdate(callback);
  }

  stop(): Promise<void> {
    return this.gateway.stop();
  }

  /** Executes one request: stock Apollo Gateway's `executor`, step for step, with the work after the plan ours. */
  private async execute(requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const state = this.state;
    if (!state) throw new Error('The supergraph is not loaded yet.');
    const { request, document, queryHash } = requestContext;
    const key = request.operationName ? `${queryHash}\n${request.operationName}` : queryHash;
    let compiled = state.operations.get(key);

    // Variables are checked before anything is planned, as stock does.
    const variableDefinitions = compiled ? compiled.variableDefinitions : requestContext.operation.variableDefinitions;
    if (variableDefinitions && variableDefinitions.length > 0) {
      const { errors } = getVariableValues(state.apiSchema, variableDefinitions, request.variables ?? {});
      if (errors) return { errors };
    }
    if (!compiled) {
      compiled = compileOperation(state, document, requestContext.operation, request.operationName);
      if (state.operations.size >= this.maxOperations) state.operations.delete(state.operations.keys().next().value!);
      state.operations.set(key, compiled);
    }

    const response = await this.run(state, compiled, requestContext);
    const http = request.http;
    const showQueryPlan = this.options.exposeQueryPlan && http?.headers.get('Apollo-Query-Plan-Experimental');
    if (showQueryPlan) {
      const format = http!.headers.has('Apollo-Query-Plan-Experimental-Format') ? http!.headers.get('Apollo-Query-Plan-Experimental-Format') : 'prettified';
      const plan = compiled.plan;
      // As stock: `true` where there is no plan to show (introspection), which tells a playground plans are supported.
      response.extensions = {
        __queryPlanExperimental: format === 'prettified' ? (plan.node ? prettyFormatQueryPlan(plan) : null) || true : format === 'internal' ? plan : true,
      };
    }
    return response;
  }

  private async run(state: SchemaState, compiled: CompiledOperation, requestContext: GatewayGraphQLRequestContext): Promise<GatewayExecutionResult> {
    const errors: GraphQLError[] = [];
    const data: ResultMap = {};
    const node = compiled.plan.node;
    if (node?.kind === 'Subscription') throw new Error('Execution of subscriptions not supported by gateway');
    if (node) {
      await executePlan({ services: this.options.services, requestContext, variableDefinitions: compiled.operation.variableDefinitions, types: state.types, errors, dedupeRepresentations: this.options.dedupeRepresentations ?? true }, node, data);
    }
    let shaped;
    try {
      shaped = compiled.shape(data, requestContext.request.variables);
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error] };
      if (error instanceof Error) return { errors: [new GraphQLError(error.message, { originalError: error })] };
      requestContext.logger.error(`Unexpected error during query plan execution: ${String(error)}`);
      return { errors: [new GraphQLError('Unexpected error during query plan execution')] };
    }
    // Notes of post-processing are dropped when a fetch failed (they would repeat its error), else they go
    // to `extensions.valueCompletion`, not `errors`: stock Apollo Gateway's and Apollo Router's contract.
    if (errors.length === 0 && shaped.errors.length > 0) return { extensions: { valueCompletion: shaped.errors }, data: shaped.data };
    return errors.length === 0 ? { data: shaped.data } : { errors, data: shaped.data };
  }
}

/** Plans one operation and compiles what runs it, as stock builds them per request. */
function compileOperation(state: SchemaState, document: DocumentNode, operationNode: OperationDefinitionNode, operationName: string | undefined): CompiledOperation {
  const planned = state.planner.buildQueryPlan(operationFromDocument(state.api, document, { operationName }), {
    recursiveSelectionsLimitDisabled: readLibrarySetting('APOLLO_DISABLE_SECURITY_RECURSIVE_SELECTIONS_CHECK'),
    nonLocalSelectionsLimitDisabled: readLibrarySetting('APOLLO_DISABLE_SECURITY_NON_LOCAL_SELECTIONS_CHECK'),
  });
  const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
  // Where stock is wrong by the spec (docs/federation.md): each @requires gets the arguments it names.
  const plan = state.requiresWithArguments
    ? rewriteRequiresArguments(planned, { operation: operationNode, fragments: new Map(fragments.map((fragment) => [fragment.name.value, fragment])) }, state.requiresWithArguments, state.types)
    : planned;
  const operation = operationFromDocument(state.api, { kind: Kind.DOCUMENT, definitions: [operationNode, ...fragments] }, { validate: false });
  const apiSchema = state.apiSchema;
  const shape = compileResponseShaper(operation, (selection: FieldSelection) => {
    const field = selection.expandFragments().toSelectionNode();
    const introspectionDocument = introspectionQueryDocument(field, operationNode.variableDefinitions);
    const responseName = field.alias?.value ?? field.name.value;
    return (variables) => {
      const { data, errors } = executeSync({ schema: apiSchema, document: introspectionDocument, rootValue: {}, variableValues: variables });
      if ((errors && errors.length > 0) || !data) throw new Error(`Introspection query for ${JSON.stringify(field)} should not have failed but got ${JSON.stringify(errors)}`);
      return hasOwn(data, responseName) ? data[responseName] : undefined;
    };
  });
  return { plan, operation, shape, variableDefinitions: operationNode.variableDefinitions };
}

/** A query of one introspection field with the variables it uses (stock's `makeIntrospectionQueryDocument`). */
function introspectionQueryDocument(field: FieldNode, variableDefinitions: readonly VariableDefinitionNode[] | undefined): DocumentNode {
  const used = new Set<string>();
  visit(field as ASTNode, { Variable: ({ name }) => void used.add(name.value) });
  return {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        variableDefinitions: variableDefinitions?.filter((definition) => used.has(definition.variable.name.value)),
        selectionSet: { kind: Kind.SELECTION_SET, selections: [field] },
      },
    ],
  };
}

/** The query planner's safety switches, which Apollo Gateway reads from its own environment variables. */
function readLibrarySetting(name: string): boolean {
  // eslint-disable-next-line no-restricted-properties -- a setting of the library, read as the library reads it
  return process.env[name] === 'true';
}
