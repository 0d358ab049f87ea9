// Lint rules on top of `tsc --strict`: what the compiler does not catch.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
      // A package's dist/ layout is not its contract: a minor release may move what a deep import names.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/dist/*'], message: "Import the package's public entry point, not its dist/ internals." }] }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', __dirname: 'readonly' } },
  },
  {
    // Only config modules read the environment; scripts and tests set it up for the services.
    files: ['packages/*/src/**/*.ts', 'subgraphs/*/src/**/*.ts', 'router/src/**/*.ts'],
    ignores: ['**/index.ts', '**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings in config.ts (loadConfig) and pass them in.' }] },
  },
);
