import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SupergraphFixture } from '../../kit/types';

const schemaDir = resolve(__dirname, '../../../../schema');
const users = Array.from({ length: 12 }, (_, i) => ({ id: `6774858000010000000000${String(i).padStart(2, '0')}`, name: `User ${i}`, email: `user${i}@example.com`, createdAt: `2026-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z` }));
const orders = users.flatMap((user, u) =>
  Array.from({ length: u % 4 }, (_, k) => ({
    id: `${user.id.slice(0, 20)}${String(u * 10 + k).padStart(4, '0')}`,
    userId: user.id,
    items: [{ sku: `SKU-${k}`, name: `Thing ${k}`, quantity: k + 1, unitPrice: 250 }],
    total: (k + 1) * 250,
    currency: 'EUR',
    status: ['PENDING', 'PAID', 'SHIPPED', 'CANCELLED'][k % 4],
    createdAt: '2026-02-01T00:00:00.000Z',
  })),
);
const page = <T extends { id: string }>(nodes: T[], first: number) => ({
  edges: nodes.slice(0, first).map((node) => ({ cursor: node.id, node })),
  nodes: nodes.slice(0, first),
  pageInfo: { hasNextPage: nodes.length > first, endCursor: nodes.slice(0, first).at(-1)?.id ?? null },
  totalCount: nodes.length,
});

/**
 * The project's own supergraph: the users and orders subgraphs' SDL exactly as composed for
 * production, with resolvers over constant data in place of MongoDB.
 */
export function projectFixture(): SupergraphFixture {
  return {
    name: 'project',
    title: "the project's users and orders SDL on in-memory data",
    subgraphs: [
      {
        name: 'users',
        typeDefs: readFileSync(resolve(schemaDir, 'users.graphql'), 'utf8'),
        resolvers: {
          Query: {
            user: (_: unknown, { id }: { id: string }) => users.find((user) => user.id === id) ?? null,
            users: (_: unknown, { first }: { first: number }) => page(users, first),
          },
          User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) ?? null },
        },
      },
      {
        name: 'orders',
        typeDefs: readFileSync(resolve(schemaDir, 'orders.graphql'), 'utf8'),
        resolvers: {
          Query: {
            user: (_: unknown, { id }: { id: string }) => ({ id }),
            order: (_: unknown, { id }: { id: string }) => orders.find((order) => order.id === id) ?? null,
          },
          Order: {
            __resolveReference: ({ id }: { id: string }) => orders.find((order) => order.id === id) ?? null,
            user: (order: { userId: string }) => ({ id: order.userId }),
            items: (order: { items: Array<{ quantity: number; unitPrice: number }> }) => order.items.map((item) => ({ ...item, subtotal: item.quantity * item.unitPrice })),
          },
          User: {
            orders: (user: { id: string }, { first, status }: { first: number; status?: string }) =>
              page(
                orders.filter((order) => order.userId === user.id && (!status || order.status === status)),
                first,
              ),
          },
        },
      },
    ],
    operations: [
      { name: 'userWithOrders (the parallel plan)', query: 'query($id: ID!) { user(id: $id) { id name email orders(first: 10) { nodes { id total currency status createdAt items { sku quantity unitPrice subtotal } } } } }', variables: { id: users[3]!.id } },
      { name: 'usersWithOrders', query: '{ users(first: 10) { nodes { id name orders(first: 10) { totalCount nodes { id total status createdAt } } } pageInfo { hasNextPage endCursor } } }' },
      { name: 'orderWithUser (the join the other way)', query: 'query($id: ID!) { order(id: $id) { id total status createdAt user { id name email } } }', variables: { id: orders[2]!.id } },
      { name: 'an unknown user with a users field selected', query: '{ user(id: "677485800001000000000099") { name orders { totalCount } } }' },
      { name: 'edges, cursors and a status filter', query: '{ users(first: 3) { edges { cursor node { name orders(status: PAID) { edges { cursor node { id status } } } } } } }' },
    ],
  };
}
