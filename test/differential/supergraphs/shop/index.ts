import type { OperationCase, SupergraphFixture } from '../../kit/types';
import { createShopData, type ShopData } from './data';

const federation = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ${JSON.stringify(imports)})`;

/**
 * A shop in four subgraphs: entities joined across every boundary, an interface and a union whose
 * members are entities extended elsewhere, lists of entities inside lists, @requires, @provides and
 * @shareable. The bench's `gatewayBound` scenario runs on it, with larger data.
 */
export function shopFixture(data: ShopData = createShopData()): SupergraphFixture {
  const books = (first: number) => data.products.slice(0, first);
  return {
    name: 'shop',
    title: 'interfaces and unions across subgraphs, lists of entities in lists, @requires, @provides, @shareable',
    subgraphs: [
      {
        name: 'products',
        typeDefs: `${federation(['@key', '@shareable'])}
          interface Product { upc: String! name: String! price: Int! }
          type Book implements Product @key(fields: "upc") { upc: String! name: String! price: Int! isbn: String! weight: Int! @shareable }
          type Furniture implements Product @key(fields: "upc") { upc: String! name: String! price: Int! material: String weight: Int! @shareable }
          union Item = Book | Furniture
          type Query {
            topProducts(first: Int = 5): [Product!]!
            product(upc: String!): Product
            items(first: Int = 5): [Item]!
          }`,
        resolvers: {
          Query: {
            topProducts: (_: unknown, { first }: { first: number }) => books(first),
            product: (_: unknown, { upc }: { upc: string }) => data.productByUpc.get(upc) ?? null,
            items: (_: unknown, { first }: { first: number }) => books(first).map((product, i) => (i % 7 === 6 ? null : product)),
          },
          Product: { __resolveType: (product: { kind: string }) => product.kind },
          Item: { __resolveType: (product: { kind: string }) => product.kind },
          Book: { __resolveReference: ({ upc }: { upc: string }) => data.productByUpc.get(upc) ?? null },
          Furniture: { __resolveReference: ({ upc }: { upc: string }) => data.productByUpc.get(upc) ?? null },
        },
      },
      {
        name: 'reviews',
        typeDefs: `${federation(['@key', '@external', '@provides'])}
          type Review @key(fields: "id") { id: ID! body: String! rating: Int! author: User! @provides(fields: "username") product: Product! }
          type User @key(fields: "id") { id: ID! username: String! @external reviews: [Review!]! }
          interface Product { upc: String! reviews: [Review!]! }
          type Book implements Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
          type Furniture implements Product @key(fields: "upc") { upc: String! reviews: [Review!]! }
          type Query { review(id: ID!): Review }`,
        resolvers: {
          Query: { review: (_: unknown, { id }: { id: string }) => data.reviewById.get(id) ?? null },
          Review: {
            __resolveReference: ({ id }: { id: string }) => data.reviewById.get(id) ?? null,
            author: (review: { authorId: string }) => ({ id: review.authorId, username: data.userById.get(review.authorId)?.username }),
            product: (review: { upc: string }) => ({ __typename: data.productByUpc.get(review.upc)!.kind, upc: review.upc }),
          },
          Product: { __resolveType: (product: { __typename?: string; kind?: string }) => product.__typename ?? product.kind },
          User: { reviews: (user: { id: string }) => data.reviewsByAuthor.get(user.id) ?? [] },
          Book: { reviews: (book: { upc: string }) => data.reviewsByUpc.get(book.upc) ?? [] },
          Furniture: { reviews: (item: { upc: string }) => data.reviewsByUpc.get(item.upc) ?? [] },
        },
      },
      {
        name: 'accounts',
        typeDefs: `${federation(['@key', '@shareable'])}
          type Address { city: String! }
          type User @key(fields: "id") { id: ID! name: String! username: String! @shareable address: Address }
          type Query { me: User users: [User!]! }`,
        resolvers: {
          Query: { me: () => data.userById.get('u1'), users: () => [...data.userById.values()] },
          User: {
            __resolveReference: ({ id }: { id: string }) => data.userById.get(id) ?? null,
            address: (user: { city: string }) => ({ city: user.city }),
          },
        },
      },
      {
        name: 'inventory',
        typeDefs: `${federation(['@key', '@external', '@requires'])}
          type Book @key(fields: "upc") { upc: String! weight: Int! @external inStock: Boolean! shippingEstimate: Int! @requires(fields: "weight") restockInDays: Int }
          type Furniture @key(fields: "upc") { upc: String! weight: Int! @external inStock: Boolean! shippingEstimate: Int! @requires(fields: "weight") restockInDays: Int }`,
        resolvers: {
          Book: {
            __resolveReference: (reference: { upc: string; weight?: number }) => reference,
            inStock: ({ upc }: { upc: string }) => upc.length % 2 === 0,
            shippingEstimate: ({ weight }: { weight: number }) => weight * 2,
            restockInDays,
          },
          Furniture: {
            __resolveReference: (reference: { upc: string; weight?: number }) => reference,
            inStock: () => true,
            shippingEstimate: ({ weight }: { weight: number }) => weight * 5 + 30,
            restockInDays,
          },
        },
      },
    ],
    operations: shopOperations,
  };
}

/** A field that fails for every fourth product (an error per entity inside an `_entities` answer). */
function restockInDays({ upc }: { upc: string }): number {
  const n = Number(upc.slice(1));
  if (n % 4 === 1) throw new Error(`No restock date is known for ${upc}.`);
  return n % 9;
}

/** The bench's nested query: every boundary crossed, lists of entities inside lists, fragments on an interface. */
export const gatewayBoundQuery = `query GatewayBound($first: Int!) {
  topProducts(first: $first) {
    __typename upc name price
    ... on Book { isbn inStock shippingEstimate }
    ... on Furniture { material inStock shippingEstimate }
    ...ProductReviews
  }
}
fragment ProductReviews on Product {
  ... on Book { reviews { ...ReviewFields } }
  ... on Furniture { reviews { ...ReviewFields } }
}
fragment ReviewFields on Review {
  id body rating
  author { id name username address { city } reviews { id rating product { __typename upc name } } }
}`;

const shopOperations: OperationCase[] = [
  { name: 'the nested gatewayBound query', query: gatewayBoundQuery, variables: { first: 12 } },
  { name: 'an interface list with fragments per type', query: '{ topProducts(first: 6) { upc ... on Book { isbn } ... on Furniture { material } } }' },
  { name: 'a union with a null element, __typename everywhere', query: '{ __typename items(first: 8) { __typename ... on Book { __typename upc reviews { __typename id author { __typename name } } } ... on Furniture { upc name } } }' },
  { name: '@requires across subgraphs on an interface', query: '{ topProducts(first: 9) { ... on Book { shippingEstimate } ... on Furniture { shippingEstimate inStock } } }' },
  { name: '@provides: username from reviews, name from accounts', query: '{ review(id: "r3") { author { username name } } }' },
  { name: 'aliases, repeated fields and nested aliases', query: '{ a: topProducts(first: 2) { id: upc upc n: name kind: __typename ... on Book { r: reviews { x: id y: id } reviews { body } } } b: product(upc: "f2") { name } }' },
  {
    name: '@skip and @include with variables and literals',
    query: 'query($yes: Boolean!, $no: Boolean = false) { topProducts(first: 4) { upc name @include(if: $no) price @skip(if: $yes) ... on Book @include(if: $yes) { isbn reviews @skip(if: $no) { id } } ... @skip(if: true) { name } } }',
    variables: { yes: true },
  },
  { name: 'a root field answering null, and a missing entity', query: '{ product(upc: "none") { name } review(id: "r0") { product { upc name } } }' },
  {
    name: 'errors inside an _entities answer, for entities reached many times (each distinct one is sent once)',
    errors: true,
    query: '{ users { id reviews { id product { upc ... on Book { restockInDays } ... on Furniture { restockInDays name } } } } }',
  },
  {
    name: 'the same errors below a list of lists, next to entities that answer',
    errors: true,
    query: '{ topProducts(first: 4) { upc ... on Book { reviews { author { reviews { product { __typename upc ... on Book { inStock later: restockInDays } ... on Furniture { restockInDays } } } } } } } }',
  },
  { name: 'entities inside lists inside lists', query: '{ users { id reviews { id product { upc name ... on Book { reviews { author { name } } } } } } }' },
  { name: 'introspection through the router', query: '{ __schema { queryType { name } types { name kind } } __type(name: "Product") { name possibleTypes { name } fields { name } } }' },
  { name: 'introspection next to data, with a variable', query: 'query($t: String!) { __type(name: $t) { name kind } me { name } }', variables: { t: 'Book' } },
  { name: 'variables that do not coerce', errors: true, query: 'query($first: Int!) { topProducts(first: $first) { upc } }', variables: { first: 'many' } },
  { name: 'a subgraph failing one entity fetch (partial data, error paths)', errors: true, query: '{ topProducts(first: 3) { upc name ... on Book { inStock } ... on Furniture { inStock } } }', faults: [{ subgraph: 'inventory', fault: 'error-500' }] },
  { name: 'a subgraph timing out on one fetch', errors: true, query: '{ topProducts(first: 3) { upc ... on Book { reviews { id } } } }', faults: [{ subgraph: 'reviews', fault: 'hang' }] },
  { name: 'a subgraph answering malformed JSON', errors: true, query: '{ me { name reviews { id } } }', faults: [{ subgraph: 'reviews', fault: 'garbage' }] },
  {
    name: 'values of the wrong type in non-null fields: a note each, and the null bubbling up to data',
    query: '{ topProducts(first: 4) { upc name price ... on Book { inStock shippingEstimate reviews { id rating } } } }',
    faults: [
      { subgraph: 'inventory', fault: 'wrong-leaf-types' },
      { subgraph: 'reviews', fault: 'wrong-leaf-types' },
    ],
  },
  {
    name: "aliases named after Object.prototype's properties, on fields from the root fetch and merged from entity fetches",
    query:
      '{ topProducts(first: 3) { constructor: upc __proto__: name toString: __typename ... on Book { hasOwnProperty: reviews { valueOf: id constructor: author { __proto__: name isPrototypeOf: username } } } ... on Furniture { __proto__: name propertyIsEnumerable: inStock } } }',
  },
  {
    name: 'numbers at the edge of Int (a fraction, 1e21, 2^53): valid, or a note each',
    query: '{ topProducts(first: 5) { upc price ... on Book { shippingEstimate reviews { id rating } } ... on Furniture { shippingEstimate } } }',
    faults: [
      { subgraph: 'inventory', fault: 'edge-numbers' },
      { subgraph: 'reviews', fault: 'edge-numbers' },
    ],
  },
  { name: 'the root subgraph down: no data at all', errors: true, query: '{ topProducts { upc } }', faults: [{ subgraph: 'products', fault: 'error-500' }] },
];
