import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'apps/mobile/.expo/**', '**/*.d.ts', 'apps/mobile/expo-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/test/**', 'scripts/**', 'bench/**', 'packages/testing/**', 'apps/mobile/e2e/**', 'apps/mobile/scripts/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-console': 'off' },
  },
  // The app: React's rules of hooks, browser and React Native globals, and the API contract for types only
  // (the app imports its types from @eventify/contracts but never its runtime code: no zod in the bundle).
  {
    files: ['apps/mobile/{src,test}/**/*.{ts,tsx}', 'apps/mobile/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: '@eventify/contracts', message: 'Import only types from the contract in the app.', allowTypeImports: true }] },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports', prefer: 'type-imports' }],
    },
  },
  // Jest's module factories load the stand-ins with require().
  {
    files: ['apps/mobile/**/*.test.{ts,tsx}', 'apps/mobile/test/**'],
    languageOptions: { globals: { ...globals.jest } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['apps/mobile/*.js', 'apps/mobile/test/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
