/**
 * The app's settings, read once from what Vite inlined at build time: the only module that reads
 * `import.meta.env`.
 */

/** Where the router serves GraphQL. Set `VITE_ROUTER_URL` when building or running the dev server. */
export const routerUrl: string = import.meta.env.VITE_ROUTER_URL?.trim() || 'http://localhost:4000/graphql';

/**
 * Send each operation's id instead of its text (trusted documents, docs/clients.md#trusted-documents):
 * in the production build, which the router runs in `PERSISTED_DOCUMENTS=require` mode, it is the only
 * thing it accepts; the development server sends the text, so an operation being written runs before
 * codegen has given it an id and before any router knows it.
 */
export const sendDocumentIds: boolean = import.meta.env.PROD;

/** Users per page in the list. */
export const usersPerPage = 10;

/** Orders per page on a user's page. */
export const ordersPerPage = 10;
