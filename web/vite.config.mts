/**
 * Vite for the web app: `npm run web:dev` serves it on http://localhost:5173 (the origin the router
 * allows by default outside production), `npm run web:build` writes `web/dist/`.
 *
 * There is no dev proxy: the page calls the router cross-origin at `VITE_ROUTER_URL`, as it does when
 * deployed, so CORS is exercised in development too (the router's `CORS_ALLOWED_ORIGINS`).
 */
import { defineConfig } from 'vite';

export default defineConfig({
  // JSX with React 18's automatic runtime, by Vite's own transformer (Oxc in Vite 8): no React plugin,
  // so no Fast Refresh, a full reload on change instead.
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  // The repository's .env, like every other setting; Vite exposes only its VITE_* variables to the page.
  envDir: '..',
  server: { port: 5173, strictPort: true },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
