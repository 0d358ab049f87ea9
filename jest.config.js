/**
 * One project per layer: `unit` (pure code, beside it or in test/unit), `contract` (one subgraph over
 * HTTP, as the router sees it), `e2e` (through the router), `faults` (services as processes, killed,
 * restarted and signalled) and `browser` (pages in headless Chromium). All but `unit` run against real
 * servers and a real database: globalSetup starts the embedded one unless MONGO_URL is set.
 * `database` compares the patched embedded database with FerretDB as released; `differential` compares
 * the router's executor with stock Apollo Gateway's.
 * `npx jest --selectProjects e2e` runs one layer.
 */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] };
// The workspaces (@fedstack/*) resolve to their TypeScript source through their `source` export
// condition, as `tsx --conditions=source` does for the scripts: no build before a test run.
const testEnvironmentOptions = { customExportConditions: ['node', 'node-addons', 'source'] };
const shared = { rootDir: __dirname, testEnvironment: 'node', testEnvironmentOptions, transform };

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{packages,subgraphs,router}/**/src/**/*.test.ts', '<rootDir>/test/unit/**/*.test.ts'],
    },
    { ...shared, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    // The benchmark harness itself, on a small stack: its numbers live in bench/, its correctness here.
    { ...shared, displayName: 'bench', testMatch: ['<rootDir>/test/bench/**/*.test.ts'] },
    // The router's executor against stock Apollo Gateway's on in-memory subgraphs over HTTP (no database).
    { ...shared, displayName: 'differential', testMatch: ['<rootDir>/test/differential/**/*.test.ts'] },
    // The embedded database itself: the patched FerretDB against FerretDB as released (a differential test).
    { ...shared, displayName: 'database', testMatch: ['<rootDir>/test/database/**/*.test.ts'] },
    // Services as separate processes, killed, restarted and signalled: bounded in time, loopback only.
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.test.ts'] },
    // Pages in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) against real services.
    { ...shared, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
