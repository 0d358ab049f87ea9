import type { PlaygroundTab } from './renderPlaygroundPage';

/**
 * The first demo user (Ada Lovelace). The demo data is deterministic (packages/devkit/src/seed.ts), so this id
 * exists wherever `npm start` or a test seeded it; demoExamples.test.ts pins it to the seed.
 */
export const demoUserId = '677485800001000000000000';

/**
 * The first order of the demo data set `npm start` seeds (1,000 users, 10,000 orders); a smaller seed
 * has other order ids. demoExamples.test.ts pins it to the seed.
 */
export const demoOrderId = '685e179b0002000000000000';

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The tabs the playground opens with: one operation each on the demo data, with its variables. GraphiQL
 * names a tab after its operation, so the names here are what a reader sees on the tabs.
 * demoExamples.test.ts validates every one against schema/api.graphql.
 */
export const demoExampleTabs: readonly PlaygroundTab[] = [
  {
    // Lines of at most 52 characters: GraphiQL's editor shows about 60 at 1366 px with the docs
    // closed and fewer with them open (test/browser/playground.test.ts measures it).
    query: `# A user and their latest orders. The router asks
# the users subgraph for the user and the orders
# subgraph for the orders at the same time (a
# Parallel query plan: see docs/federation.md).
#
# Run it with ▶ or Ctrl-Enter. Without a token, the
# name shows, and email and orders are null with an
# UNAUTHENTICATED error each. To see them, mint a
# token (npm run token -- --seeded 0) and put it in
# the Headers tab below, as a JSON object:
# { "Authorization": "Bearer <token>" }
#
# The other tabs hold more examples; the docs (book
# icon) and the explorer (folder icon) come from the
# schema, by introspection.
query UserWithOrders {
  user(id: "${demoUserId}") {
    id
    name
    email
    orders(first: 5) {
      totalCount
      nodes {
        id
        total
        currency
        status
        createdAt
        items {
          sku
          name
          quantity
          unitPrice
          subtotal
        }
      }
    }
  }
}
`,
    // No variables in the first tab: GraphiQL 3 does not load the first default tab's variables or
    // headers on a first visit (graphql/graphiql#3392), so its id is written into the operation.
  },
  {
    query: `# Users in the order they were created, a page at a
# time. For the next page, copy pageInfo.endCursor
# from the result into the "after" variable and run
# again; null starts from the beginning.
query UsersPage($first: Int, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      name
      email
      createdAt
    }
  }
}
`,
    variables: json({ first: 5, after: null }),
  },
  {
    query: `# An order and the user who placed it. The orders
# subgraph only knows the user's id; the router
# fetches the rest from the users subgraph (one
# _entities call, however many orders there are).
# The id is the first order of the demo data; any
# order id works.
query OrderWithUser($id: ID!) {
  order(id: $id) {
    id
    total
    currency
    status
    createdAt
    items {
      sku
      name
      quantity
      subtotal
    }
    user {
      id
      name
      email
    }
  }
}
`,
    variables: json({ id: demoOrderId }),
  },
  {
    query: `# Places a PENDING order for the first demo user.
# Prices are integers in cents; the total is
# computed from the items. The new order then heads
# the list in the first tab.
mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    id
    total
    currency
    status
    createdAt
    user {
      name
    }
    items {
      sku
      quantity
      subtotal
    }
  }
}
`,
    variables: json({ input: { userId: demoUserId, items: [{ sku: 'MUG-040', name: 'Coffee mug', quantity: 2, unitPrice: 1250 }] } }),
  },
];
