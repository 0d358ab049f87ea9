/// <reference types="vite/client" />

/** The settings Vite inlines at build time from `VITE_*` variables (the environment, or the repository's `.env`). */
interface ImportMetaEnv {
  /** The router's GraphQL URL. Defaults to `http://localhost:4000/graphql` (see config.ts). */
  readonly VITE_ROUTER_URL?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
