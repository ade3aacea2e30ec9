// Types of every GraphQL document in the console, generated from the committed schema
// (schema.graphql at the repository root). A schema change that breaks a document or its use fails
// `nx run console:typecheck`, which runs this first.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['apps/console/src/**/*.ts', 'apps/console/src/**/*.tsx', '!apps/console/src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'apps/console/src/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        documentMode: 'string',
      },
    },
  },
};
export default config;
