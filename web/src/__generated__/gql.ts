/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query SignedInUser($id: ID!) {\n    user(id: $id) {\n      id\n      name\n    }\n  }\n": typeof types.SignedInUserDocument,
    "\n  fragment OrderSummary on Order {\n    id\n    total\n    currency\n    status\n    createdAt\n    items {\n      sku\n      name\n      quantity\n      unitPrice\n      subtotal\n    }\n  }\n": typeof types.OrderSummaryFragmentDoc,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      ...OrderSummary\n    }\n  }\n": typeof types.PlaceOrderDocument,
    "\n  query UsersPage($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        createdAt\n      }\n    }\n  }\n": typeof types.UsersPageDocument,
    "\n  query UserOrders($id: ID!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      name\n      email\n      createdAt\n      orders(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...OrderSummary\n        }\n      }\n    }\n  }\n": typeof types.UserOrdersDocument,
};
const documents: Documents = {
    "\n  query SignedInUser($id: ID!) {\n    user(id: $id) {\n      id\n      name\n    }\n  }\n": types.SignedInUserDocument,
    "\n  fragment OrderSummary on Order {\n    id\n    total\n    currency\n    status\n    createdAt\n    items {\n      sku\n      name\n      quantity\n      unitPrice\n      subtotal\n    }\n  }\n": types.OrderSummaryFragmentDoc,
    "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      ...OrderSummary\n    }\n  }\n": types.PlaceOrderDocument,
    "\n  query UsersPage($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        createdAt\n      }\n    }\n  }\n": types.UsersPageDocument,
    "\n  query UserOrders($id: ID!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      name\n      email\n      createdAt\n      orders(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...OrderSummary\n        }\n      }\n    }\n  }\n": types.UserOrdersDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SignedInUser($id: ID!) {\n    user(id: $id) {\n      id\n      name\n    }\n  }\n"): typeof import('./graphql').SignedInUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OrderSummary on Order {\n    id\n    total\n    currency\n    status\n    createdAt\n    items {\n      sku\n      name\n      quantity\n      unitPrice\n      subtotal\n    }\n  }\n"): typeof import('./graphql').OrderSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PlaceOrder($input: PlaceOrderInput!) {\n    placeOrder(input: $input) {\n      ...OrderSummary\n    }\n  }\n"): typeof import('./graphql').PlaceOrderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsersPage($first: Int!, $after: String) {\n    users(first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        createdAt\n      }\n    }\n  }\n"): typeof import('./graphql').UsersPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserOrders($id: ID!, $first: Int!, $after: String) {\n    user(id: $id) {\n      id\n      name\n      email\n      createdAt\n      orders(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        nodes {\n          ...OrderSummary\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').UserOrdersDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
