/** The router's executor of query plans: what runs after Apollo Gateway has planned an operation. */
export { ExecutingGateway, type ExecutingGatewayOptions } from './ExecutingGateway';
export { createSharedStringify } from './createSharedStringify';
