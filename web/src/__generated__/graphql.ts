/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type LineItemInput = {
  /** 1 to 200 characters. */
  name: string;
  /** 1 to 1000. */
  quantity: number;
  /** 1 to 64 characters. */
  sku: string;
  /** Price of one unit in minor units, 0 to 100,000,000. */
  unitPrice: number;
};

/** Where an order is in its life. Only a `PENDING` order can be cancelled. */
export type OrderStatus =
  | 'CANCELLED'
  | 'PAID'
  | 'PENDING'
  | 'SHIPPED';

export type PlaceOrderInput = {
  /** ISO-4217 code, three upper-case letters. */
  currency?: string;
  /**
   * Makes a retry safe: the same key from the same user places the order once and answers the same order
   * every time after, even when the requests race. 1 to 100 characters, for example a UUID the client
   * made. The same key with different items is an `IDEMPOTENCY_KEY_REUSED` error.
   */
  idempotencyKey?: string | null | undefined;
  /** 1 to 100 items. */
  items: Array<LineItemInput>;
  userId: string;
};

export type SignedInUserQueryVariables = Exact<{
  id: string;
}>;


export type SignedInUserQuery = { user: { id: string, name: string } | null };

export type OrderSummaryFragment = { id: string, total: number, currency: string, status: OrderStatus, createdAt: string, items: Array<{ sku: string, name: string, quantity: number, unitPrice: number, subtotal: number }> };

export type PlaceOrderMutationVariables = Exact<{
  input: PlaceOrderInput;
}>;


export type PlaceOrderMutation = { placeOrder: { id: string, total: number, currency: string, status: OrderStatus, createdAt: string, items: Array<{ sku: string, name: string, quantity: number, unitPrice: number, subtotal: number }> } | null };

export type UsersPageQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type UsersPageQuery = { users: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, name: string, createdAt: string }> } };

export type UserOrdersQueryVariables = Exact<{
  id: string;
  first: number;
  after?: string | null | undefined;
}>;


export type UserOrdersQuery = { user: { id: string, name: string, email: string | null, createdAt: string, orders: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, nodes: Array<{ id: string, total: number, currency: string, status: OrderStatus, createdAt: string, items: Array<{ sku: string, name: string, quantity: number, unitPrice: number, subtotal: number }> }> } | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const OrderSummaryFragmentDoc = new TypedDocumentString(`
    fragment OrderSummary on Order {
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
    `, {"fragmentName":"OrderSummary"}) as unknown as TypedDocumentString<OrderSummaryFragment, unknown>;
export const SignedInUserDocument = new TypedDocumentString(`
    query SignedInUser($id: ID!) {
  user(id: $id) {
    id
    name
  }
}
    `, {"hash":"sha256:83c3776e12c24764c971d244ffdf54bd59c9a0ae6e8efad6dcc658cba461736c"}) as unknown as TypedDocumentString<SignedInUserQuery, SignedInUserQueryVariables>;
export const PlaceOrderDocument = new TypedDocumentString(`
    mutation PlaceOrder($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    ...OrderSummary
  }
}
    fragment OrderSummary on Order {
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
}`, {"hash":"sha256:7589102086eb503c7b1563c2cd9f25177353a0cde1f7e50bd12d2abcd19eba89"}) as unknown as TypedDocumentString<PlaceOrderMutation, PlaceOrderMutationVariables>;
export const UsersPageDocument = new TypedDocumentString(`
    query UsersPage($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      name
      createdAt
    }
  }
}
    `, {"hash":"sha256:6c874dc785885dfd13bf22a3002eb2f0a6b57db171a3b2c4dd0bb150f62fffd5"}) as unknown as TypedDocumentString<UsersPageQuery, UsersPageQueryVariables>;
export const UserOrdersDocument = new TypedDocumentString(`
    query UserOrders($id: ID!, $first: Int!, $after: String) {
  user(id: $id) {
    id
    name
    email
    createdAt
    orders(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...OrderSummary
      }
    }
  }
}
    fragment OrderSummary on Order {
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
}`, {"hash":"sha256:344a1ca729e43be50a645aee06bc54254cc3111045bcf3fbc0ddf4d78c278108"}) as unknown as TypedDocumentString<UserOrdersQuery, UserOrdersQueryVariables>;