import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner, type FetchNode, type PlanNode, type QueryPlan } from '@apollo/query-planner';
import { Kind, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { compileRepresentation } from './compileRepresentation';
import { readRequiresWithArguments, rewriteRequiresArguments, type RequiresWithArguments } from './rewriteRequiresArguments';
import { TypeMatcher } from './TypeMatcher';

const link = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@external", "@requires"])`;
const pricing = `${link}
  type Product @key(fields: "id") { id: ID! price(currency: String!): Int! weight: Int! }
  type Query { products: [Product!]! }`;

/** The real composition and query planner over a pricing subgraph and a shipping subgraph that requires from it. */
function plannerFor(shipping: string) {
  const composed = composeServices([
    { name: 'pricing', url: 'http://pricing/graphql', typeDefs: parse(pricing) },
    { name: 'shipping', url: 'http://shipping/graphql', typeDefs: parse(`${link}\n${shipping}`) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('\n'));
  const supergraph = Supergraph.build(composed.supergraphSdl);
  const planner = new QueryPlanner(supergraph);
  const types = new TypeMatcher(supergraph.schema.toGraphQLJSSchema());
  const required = readRequiresWithArguments(supergraph);
  return {
    types,
    required,
    plan(query: string, with_: RequiresWithArguments): { planned: QueryPlan; rewritten: QueryPlan } {
      const document = parse(query);
      const planned = planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), document));
      const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
      const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION);
      const rewritten = rewriteRequiresArguments(planned, { operation, fragments: new Map(fragments.map((fragment) => [fragment.name.value, fragment])) }, with_, types);
      return { planned, rewritten };
    },
  };
}

const shippingByCurrency = `
  type Product @key(fields: "id") {
    id: ID!
    price(currency: String!): Int! @external
    shippingEur: String! @requires(fields: "price(currency: \\"EUR\\")")
    shippingUsd: String! @requires(fields: "price(currency: \\"USD\\")")
  }`;

/** The plan's fetches in the order they appear. */
function fetchesOf(node: QueryPlan['node'] | PlanNode): FetchNode[] {
  if (!node) return [];
  switch (node.kind) {
    case 'Fetch':
      return [node];
    case 'Flatten':
      return fetchesOf(node.node);
    case 'Sequence':
    case 'Parallel':
      return node.nodes.flatMap(fetchesOf);
    default:
      return [];
  }
}

describe('rewriteRequiresArguments', () => {
  it('finds nothing to rewrite in a supergraph whose @requires take no arguments, so its plans are never touched', () => {
    const { required } = plannerFor(`
      type Product @key(fields: "id") { id: ID! weight: Int! @external shipping: String! @requires(fields: "weight") }`);
    expect(required).toBeUndefined();
  });

  it('returns the planner\'s own plan when the fetched field already has the arguments the @requires names', () => {
    const { required, plan } = plannerFor(shippingByCurrency);
    const { planned, rewritten } = plan('{ products { id shippingEur } }', required!);
    expect(rewritten).toBe(planned);
  });

  it('fetches the required arguments under an alias beside the client\'s, and sends them under the field\'s own name', () => {
    const { required, plan, types } = plannerFor(shippingByCurrency);
    const { planned, rewritten } = plan('{ products { id price(currency: "USD") shippingEur } }', required!);
    // What the planner does: one price, the client's.
    expect(fetchesOf(planned.node).map((fetch) => fetch.operation)[0]).toBe('{products{__typename id price(currency:"USD")}}');

    const [root, entities] = fetchesOf(rewritten.node);
    expect(root!.operation).toBe('{products{__typename id price(currency:"USD")price__requires_0:price(currency:"EUR")}}');
    expect(entities!.operation).toBe('query($representations:[_Any!]!){_entities(representations:$representations){...on Product{shippingEur}}}');
    const represent = compileRepresentation(entities!.requires!, types);
    expect(represent({ __typename: 'Product', id: 'p1', price: 110, price__requires_0: 100 })).toEqual({ __typename: 'Product', id: 'p1', price: 100 });
  });

  it('splits an _entities fetch whose fields require one field with different arguments into one fetch per argument set', () => {
    const { required, plan } = plannerFor(shippingByCurrency);
    const { rewritten } = plan('{ products { id shippingEur shippingUsd } }', required!);
    expect(rewritten.node).toMatchObject({ kind: 'Sequence', nodes: [{ kind: 'Fetch' }, { kind: 'Parallel', nodes: [{ kind: 'Flatten' }, { kind: 'Flatten' }] }] });
    const [root, eur, usd] = fetchesOf(rewritten.node);
    expect(root!.operation).toBe('{products{__typename id price(currency:"USD")price__requires_0:price(currency:"EUR")}}');
    expect(eur!.operation).toContain('...on Product{shippingEur}');
    expect(eur!.requires).toEqual([{ kind: 'InlineFragment', typeCondition: 'Product', selections: [{ kind: 'Field', name: '__typename' }, { kind: 'Field', name: 'id' }, { kind: 'Field', name: 'price', alias: 'price__requires_0' }] }]);
    expect(usd!.operation).toContain('...on Product{shippingUsd}');
    expect(usd!.requires).toEqual([{ kind: 'InlineFragment', typeCondition: 'Product', selections: [{ kind: 'Field', name: '__typename' }, { kind: 'Field', name: 'id' }, { kind: 'Field', name: 'price' }] }]);
  });

  it('gives the client\'s field back the client\'s arguments where the planner gave it the requirement\'s', () => {
    const { required, plan } = plannerFor(shippingByCurrency);
    const { planned, rewritten } = plan('query ($c: String!) { products { a: shippingEur price(currency: $c) } }', required!);
    expect(fetchesOf(planned.node)[0]!.operation).toBe('{products{__typename id price(currency:"EUR")}}');
    const [root, entities] = fetchesOf(rewritten.node);
    expect(root!.operation).toBe('query($c:String!){products{__typename id price(currency:$c)price__requires_0:price(currency:"EUR")}}');
    expect(root!.variableUsages).toEqual(['c']);
    expect(entities!.requires).toEqual([{ kind: 'InlineFragment', typeCondition: 'Product', selections: [{ kind: 'Field', name: '__typename' }, { kind: 'Field', name: 'id' }, { kind: 'Field', name: 'price', alias: 'price__requires_0' }] }]);
  });
});
