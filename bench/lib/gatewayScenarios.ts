import { gatewayBoundQuery } from '../../test/differential/supergraphs/shop';

/**
 * The gateway-bound scenarios of issue 12 (`npm run bench:gateway`, `npm run bench:executor`): per
 * scenario, the differential fixture its subgraphs serve and the request body sent.
 */
export const gatewayScenarios = {
  gatewayBound: { fixture: 'shop', body: JSON.stringify({ query: gatewayBoundQuery, variables: { first: 12 } }) },
  userWithOrders: {
    fixture: 'project',
    body: JSON.stringify({
      query: 'query UserWithOrders($id: ID!) { user(id: $id) { id name email orders(first: 10) { nodes { id total currency status createdAt items { sku quantity unitPrice } } } } }',
      variables: { id: '677485800001000000000003' },
    }),
  },
  usersWithOrders: { fixture: 'project', body: JSON.stringify({ query: 'query UsersWithOrders { users(first: 50) { nodes { id name orders(first: 10) { nodes { id total status createdAt } } } } }' }) },
} as const;
export type GatewayScenarioName = keyof typeof gatewayScenarios;
