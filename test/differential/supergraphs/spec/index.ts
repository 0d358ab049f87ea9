import type { SupergraphFixture } from '../../kit/types';

const federation = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ${JSON.stringify(imports)})`;

const prices: Record<string, Record<string, number>> = { p1: { EUR: 100, USD: 110 }, p2: { EUR: 200, USD: 220 } };
const comments: Record<string, string[]> = { p1: ['p1 great', 'p1 fine', 'p1 broke', 'p1 ok'], p2: ['p2 nice', 'p2 meh'] };
const people = [
  { id: 'u1', email: 'ada@example.com', name: 'Ada' },
  { id: 'u2', email: 'bob@example.com', name: 'Bob' },
];

/** A product's shipping fields as the spec answers them: each from the price in its own currency. */
function shipping(id: string): { id: string; shippingEur: string; shippingUsd: string } {
  return { id, shippingEur: `EUR from ${String(prices[id]!.EUR)}`, shippingUsd: `USD from ${String(prices[id]!.USD)}` };
}

/** A product's answer with `firstComment` as the spec answers it: from `comments(limit: 1)`, whatever else the client selected. */
function withFirstComment(id: string, selected: { comments?: string[] }): Record<string, unknown> {
  return { id, ...selected, firstComment: `${comments[id]![0]!} (of 1 seen)` };
}

/**
 * The places where stock Apollo Gateway was said to be wrong by the spec (docs/federation.md): @requires
 * of fields with arguments (given inline, through a variable, in fragments, next to the client's own
 * selection of the field with other arguments or an alias, required twice with different arguments,
 * on lists inside lists, fetched by an entity fetch), an entity joined through keys that differ between
 * subgraphs, a non-resolvable @interfaceObject. Where stock is wrong, the case carries the spec's answer,
 * which the router gives; where stock is right, both must answer alike.
 */
export function specFixture(): SupergraphFixture {
  return {
    name: 'spec',
    title: 'where stock Apollo Gateway is wrong by the spec',
    subgraphs: [
      {
        name: 'pricing',
        typeDefs: `${federation(['@key', '@shareable'])}
          type Product @key(fields: "id") { id: ID! price(currency: String!): Int! comments(limit: Int = 3): [String!]! }
          type Shelf { name: String! products: [Product!]! }
          type Query { products: [Product!]! shelves: [Shelf!]! }`,
        resolvers: {
          Query: {
            products: () => [{ id: 'p1' }, { id: 'p2' }],
            shelves: () => [
              { name: 'top', products: [{ id: 'p2' }] },
              { name: 'bottom', products: [{ id: 'p1' }, { id: 'p2' }] },
            ],
          },
          Product: {
            __resolveReference: ({ id }: { id: string }) => ({ id }),
            price: ({ id }: { id: string }, { currency }: { currency: string }) => prices[id]?.[currency] ?? 0,
            comments: ({ id }: { id: string }, { limit }: { limit: number }) => (comments[id] ?? []).slice(0, limit),
          },
        },
      },
      {
        name: 'shipping',
        typeDefs: `${federation(['@key', '@external', '@requires'])}
          type Product @key(fields: "id") {
            id: ID!
            price(currency: String!): Int! @external
            shippingEur: String! @requires(fields: "price(currency: \\"EUR\\")")
            shippingUsd: String! @requires(fields: "price(currency: \\"USD\\")")
            comments(limit: Int = 3): [String!]! @external
            firstComment: String! @requires(fields: "comments(limit: 1)")
          }`,
        resolvers: {
          Product: {
            __resolveReference: (reference: { id: string; price?: number }) => reference,
            shippingEur: (product: { price?: number }) => `EUR from ${String(product.price)}`,
            shippingUsd: (product: { price?: number }) => `USD from ${String(product.price)}`,
            // Says how many comments it was given: one, if the router honoured `limit: 1`.
            firstComment: (product: { comments?: string[] }) => `${String(product.comments?.[0])} (of ${String(product.comments?.length)} seen)`,
          },
        },
      },
      {
        name: 'listings',
        typeDefs: `${federation(['@key'])}
          type Product @key(fields: "id", resolvable: false) { id: ID! }
          type Query { featured: [Product!]! }`,
        resolvers: { Query: { featured: () => [{ id: 'p2' }, { id: 'p1' }] } },
      },
      {
        name: 'accounts',
        typeDefs: `${federation(['@key', '@shareable'])}
          type Person @key(fields: "id") { id: ID! email: String! @shareable }
          type Query { people: [Person!]! }`,
        resolvers: {
          Query: { people: () => people },
          Person: { __resolveReference: ({ id }: { id: string }) => people.find((person) => person.id === id) ?? null },
        },
      },
      {
        name: 'profiles',
        typeDefs: `${federation(['@key'])}
          type Person @key(fields: "email") { email: String! name: String! }`,
        resolvers: {
          Person: { __resolveReference: ({ email }: { email: string }) => people.find((person) => person.email === email) ?? null },
        },
      },
      {
        name: 'things',
        typeDefs: `${federation(['@key'])}
          interface Thing @key(fields: "id") { id: ID! label: String! }
          type Box implements Thing @key(fields: "id") { id: ID! label: String! }
          type Query { things: [Thing!]! }`,
        resolvers: {
          Query: { things: () => [{ id: 't1', label: 'first' }] },
          Thing: { __resolveType: () => 'Box', __resolveReference: ({ id }: { id: string }) => ({ id, label: id }) },
          Box: { __resolveReference: ({ id }: { id: string }) => ({ id, label: id }) },
        },
      },
      {
        name: 'tags',
        typeDefs: `${federation(['@key', '@interfaceObject'])}
          type Thing @key(fields: "id", resolvable: false) @interfaceObject { id: ID! }
          type Query { latestThing: Thing }`,
        resolvers: { Query: { latestThing: () => ({ id: 't1' }) } },
      },
    ],
    // Their @requires take arguments: stock answers them from whichever arguments the planner kept.
    fieldsStockGetsWrong: ['Product.shippingEur', 'Product.shippingUsd', 'Product.firstComment'],
    operations: [
      { name: '@requires of a field with an argument', query: '{ products { id shippingEur } }' },
      {
        name: '@requires of a field with an argument that the client selects with another',
        query: '{ products { id price(currency: "USD") shippingEur } }',
        specAnswer: {
          reason: 'shippingEur requires price(currency: "EUR"); the planner reuses the client\'s price(currency: "USD") for it',
          body: { data: { products: [{ id: 'p1', price: 110, shippingEur: 'EUR from 100' }, { id: 'p2', price: 220, shippingEur: 'EUR from 200' }] } },
        },
      },
      {
        name: 'two fields requiring the same field with different arguments',
        query: '{ products { id shippingEur shippingUsd } }',
        specAnswer: {
          reason: 'each field must see the price in its own currency; the planner fetches one price for both',
          body: { data: { products: [{ id: 'p1', shippingEur: 'EUR from 100', shippingUsd: 'USD from 110' }, { id: 'p2', shippingEur: 'EUR from 200', shippingUsd: 'USD from 220' }] } },
        },
      },
      {
        name: '@requires of comments(limit: 1) with the client selecting comments(limit: 2)',
        query: '{ products { id comments(limit: 2) firstComment } }',
        specAnswer: {
          reason: 'firstComment requires comments(limit: 1); the planner reuses the client\'s comments(limit: 2)',
          body: { data: { products: [withFirstComment('p1', { comments: comments.p1!.slice(0, 2) }), withFirstComment('p2', { comments: comments.p2 })] } },
        },
      },
      {
        name: '@requires of comments(limit: 1) with the client selecting comments(limit: $n)',
        query: 'query ($n: Int) { products { id comments(limit: $n) firstComment } }',
        variables: { n: 4 },
        specAnswer: {
          reason: 'firstComment requires comments(limit: 1); the planner reuses the client\'s comments(limit: $n), whatever $n is',
          body: { data: { products: [withFirstComment('p1', { comments: comments.p1 }), withFirstComment('p2', { comments: comments.p2 })] } },
        },
      },
      {
        name: '@requires of comments(limit: 1) with the client selecting comments(limit: $n) where $n is 1',
        query: 'query ($n: Int) { products { id comments(limit: $n) firstComment } }',
        variables: { n: 1 },
      },
      {
        name: '@requires of comments(limit: 1) with fragments selecting comments and firstComment',
        query: '{ products { id ...Listed ...First } } fragment Listed on Product { comments } fragment First on Product { firstComment }',
        specAnswer: {
          reason: 'the client\'s comments take the default limit (3); firstComment must still see one',
          body: { data: { products: [withFirstComment('p1', { comments: comments.p1!.slice(0, 3) }), withFirstComment('p2', { comments: comments.p2 })] } },
        },
      },
      {
        name: '@requires of comments(limit: 1) with two fragments selecting comments with different arguments',
        query: '{ products { ...Two ...All } } fragment Two on Product { two: comments(limit: 2) firstComment } fragment All on Product { id comments(limit: 4) }',
        specAnswer: {
          reason: 'neither of the client\'s comments selections is the one firstComment requires',
          body: {
            data: {
              products: [
                { two: comments.p1!.slice(0, 2), firstComment: 'p1 great (of 1 seen)', id: 'p1', comments: comments.p1 },
                { two: comments.p2, firstComment: 'p2 nice (of 1 seen)', id: 'p2', comments: comments.p2 },
              ],
            },
          },
        },
      },
      { name: 'a @requires of price(currency: "EUR") next to the client\'s aliased price(currency: "USD")', query: '{ products { id usd: price(currency: "USD") shippingEur } }' },
      { name: 'a field requiring price(currency: "EUR") selected twice under aliases', query: '{ products { id a: shippingEur b: shippingEur } }' },
      {
        name: 'a field requiring price(currency: "EUR") selected twice under aliases, next to the client\'s price(currency: "USD")',
        query: '{ products { a: shippingEur b: shippingEur price(currency: "USD") } }',
        specAnswer: {
          reason: 'the client asked for the USD price; the planner fetches the EUR price the requirement needs and answers the client with it',
          body: { data: { products: [{ a: 'EUR from 100', b: 'EUR from 100', price: 110 }, { a: 'EUR from 200', b: 'EUR from 200', price: 220 }] } },
        },
      },
      {
        name: 'two fields requiring price with different arguments, on a list of entities inside a list',
        query: '{ shelves { name products { id shippingEur shippingUsd } } }',
        specAnswer: {
          reason: 'each field must see the price in its own currency; the planner fetches one price for both',
          body: { data: { shelves: [{ name: 'top', products: [shipping('p2')] }, { name: 'bottom', products: [shipping('p1'), shipping('p2')] }] } },
        },
      },
      {
        name: '@requires of price(currency: "EUR") fetched by an entity fetch next to the client\'s price(currency: "USD")',
        query: '{ featured { id price(currency: "USD") shippingEur } }',
        specAnswer: {
          reason: 'as at the root: the planner reuses the client\'s USD price, here fetched from the pricing subgraph by an _entities call',
          body: { data: { featured: [{ id: 'p2', price: 220, shippingEur: 'EUR from 200' }, { id: 'p1', price: 110, shippingEur: 'EUR from 100' }] } },
        },
      },
      {
        name: 'three requiring fields, two of them on price with different arguments, through an entity fetch',
        query: '{ featured { id shippingEur shippingUsd firstComment } }',
        specAnswer: {
          reason: 'each field must see what its own @requires names; the planner fetches one price for two',
          body: { data: { featured: [{ ...shipping('p2'), ...withFirstComment('p2', {}) }, { ...shipping('p1'), ...withFirstComment('p1', {}) }] } },
        },
      },
      { name: 'an entity joined through keys that differ between subgraphs', query: '{ people { id name } }' },
      { name: 'a non-resolvable @interfaceObject', query: '{ latestThing { __typename id label } }' },
    ],
  };
}
