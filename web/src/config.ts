/**
 * The app's settings, read once from what Vite inlined at build time: the only module that reads
 * `import.meta.env`.
 */

/** Where the router serves GraphQL. Set `VITE_ROUTER_URL` when building or running the dev server. */
export const routerUrl: string = import.meta.env.VITE_ROUTER_URL?.trim() || 'http://localhost:4000/graphql';

/** Users per page in the list. */
export const usersPerPage = 10;

/** Orders per page on a user's page. */
export const ordersPerPage = 10;
