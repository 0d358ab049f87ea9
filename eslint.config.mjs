// Lint rules on top of `tsc --strict`: what the compiler does not catch.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * What no file may import. A package's dist/ layout is not its contract: a minor release may move what a
 * deep import names. And a workspace's src/ is its own: others (scripts, tests, the bench, the devkit,
 * other workspaces) import it by package name (`@fedstack/router`), which gives them its public entry
 * (`src/index.ts` for the kits, `src/exports.ts` for the services) and nothing else. Inside a workspace,
 * relative imports never spell its own `<workspace>/src/`, so these patterns only catch crossings.
 */
const importBoundaries = [
  { group: ['**/dist/*'], message: "Import the package's public entry point, not its dist/ internals." },
  {
    group: ['**/router/src/**', '**/subgraphs/*/src/**', '**/packages/*/src/**'],
    message: "Import another workspace by its package name (@fedstack/...): its src/ is its own (see each package's exports).",
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/__generated__/**', '.tools/**', '.data/**', '.build/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': ['error', { patterns: importBoundaries }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    // Only config modules read the environment; scripts and tests set it up for the services.
    files: ['packages/*/src/**/*.ts', 'subgraphs/*/src/**/*.ts', 'router/src/**/*.ts'],
    // The devkit is tooling: it reads the developer's environment (PATH, GOTOOLCHAIN) like a script.
    ignores: ['**/index.ts', '**/*.test.ts', 'packages/devkit/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings in config.ts (loadConfig) and pass them in.' }] },
  },
);
