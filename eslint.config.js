import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layeringRule, NODE_GLOBALS, PURE } from './eslint/layering.js';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'coverage/', 'test-artifacts/', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'eslint/*.js', 'scripts/*.mjs'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    plugins: { bulwark: { rules: { layering: layeringRule } } },
    rules: {
      'bulwark/layering': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: PURE.map((layer) => `src/${layer}/**/*.ts`),
    languageOptions: { globals: { ...globals.es2022 } },
    rules: { 'no-restricted-globals': ['error', ...NODE_GLOBALS] },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
