// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => patterns.map((group) => ({ group: [group], message }));

// The dependency rule (docs/architecture.md): main → app → routes → service → repository → db.
// Each role may import only what lies below it; these patterns make a wrong import a lint error.
const layerRules = [
  {
    files: ['services/*/src/**/*.repository.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: restrict(['**/*.service', '**/*.routes', '**/app', '**/main'], 'A repository imports only the database layer and domain types.'),
      }],
    },
  },
  {
    files: ['services/*/src/**/*.service.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['**/*.routes', '**/app', '**/main', 'express'], 'A service knows nothing of HTTP: no routes or express.'),
          ...restrict(['../**/*.repository'], "A service may call another feature's service, never its repository."),
          ...restrict(['kysely'], 'Only repositories and packages/db import Kysely.'),
        ],
      }],
    },
  },
  {
    files: ['services/*/src/**/*.routes.ts', 'services/*/src/**/*.routes.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['**/*.repository', 'kysely'], 'Routes call a service; SQL stays in repositories.'),
          ...restrict(['**/app', '**/main'], 'Routes never import the app or main.'),
        ],
      }],
    },
  },
  {
    // Pure domain modules, views, inputs and integrations: no database, no HTTP layer above them.
    files: ['services/*/src/**/*.{ts,tsx}'],
    ignores: ['**/*.repository.ts', '**/*.service.ts', '**/*.routes.ts', '**/*.routes.tsx', '**/app.ts', '**/main.ts', '**/dependencies.ts', '**/*.test.ts', '**/*.test.tsx', '**/web/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          ...restrict(['**/*.repository', '**/*.service', '**/*.routes', 'kysely'], 'Only routes call services, only services call repositories, only repositories use Kysely.'),
          ...restrict(['**/app', '**/main'], 'Nothing imports the app or main.'),
        ],
      }],
    },
  },
  {
    files: ['services/*/src/**/*.{ts,tsx}'],
    ignores: ['**/*.routes.ts', '**/*.routes.tsx', '**/*.views.tsx', '**/web/**', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: 'ImportDeclaration[source.value=/\\.views$/]',
        message: 'Views are imported only by routes (and other views).',
      }],
    },
  },
  {
    files: ['services/*/src/**/*.{ts,tsx}', 'packages/*/src/**/*.ts'],
    ignores: ['**/config.ts', '**/*.test.ts', '**/*.test.tsx', 'packages/db/src/cli.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only config.ts reads process.env; pass configuration in.' }],
    },
  },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/public/build/**', 'contracts/generated/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['services/control-plane/public/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly' } },
  },
  ...layerRules,
);
