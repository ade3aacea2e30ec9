import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import aiCommons from './tools/eslint-plugin/index.cjs';

export default [
  { ignores: ['**/dist', '**/node_modules', '**/.data', '**/.cache', '**/.nx', 'coverage', 'apps/console/src/gql'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx, 'ai-commons': aiCommons },
    rules: {
      // Every resolver/controller handler states its access (tools/eslint-plugin/).
      'ai-commons/require-access-decorator': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            // Pure logic (allocation, Merkle proofs, policy) may not reach I/O libraries.
            {
              sourceTag: 'type:pure',
              onlyDependOnLibsWithTags: ['type:pure'],
              bannedExternalImports: ['pg', 'typeorm', '@nestjs/*', 'express', 'keycloak-connect', 'ioredis'],
            },
            { sourceTag: 'scope:platform', onlyDependOnLibsWithTags: ['scope:platform'] },
            { sourceTag: 'scope:domain', onlyDependOnLibsWithTags: ['scope:domain', 'scope:platform'] },
            // Shells compose domain and platform modules into a runnable server; apps only start them.
            { sourceTag: 'scope:shell', onlyDependOnLibsWithTags: ['scope:domain', 'scope:platform'] },
            { sourceTag: 'scope:app', onlyDependOnLibsWithTags: ['scope:shell', 'scope:domain', 'scope:platform'] },
            { sourceTag: 'scope:test', onlyDependOnLibsWithTags: ['scope:shell', 'scope:domain', 'scope:platform'] },
            // The web console runs in the browser: its own code and the GraphQL types generated into it, no workspace lib.
            {
              sourceTag: 'scope:console',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['pg', 'typeorm', '@nestjs/*', 'express', 'keycloak-connect', 'ioredis'],
            },
            // The testing lib is for tests only.
            { sourceTag: 'type:domain', notDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:app', notDependOnLibsWithTags: ['type:testing'] },
            { sourceTag: 'type:shell', notDependOnLibsWithTags: ['type:testing'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Controllers in tests are fixtures, served without the application's guard.
      'ai-commons/require-access-decorator': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
