import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { DataSource } from 'typeorm';
import { loadConfig } from '@ai-commons/config';
import type { TokenVerifier } from '@ai-commons/auth';
import { JsonLogger } from '@ai-commons/observability';
import { ControlPlaneModule } from '../control-plane.module';
import { SCHEMA_GENERATE_COMMAND } from './schema-file';

const HEADER = `# The ai-commons control plane GraphQL schema, generated from the code-first types.
# Do not edit: run \`${SCHEMA_GENERATE_COMMAND}\` and commit the result.
`;

// Placeholders only: the schema is built from decorators; nothing connects or verifies a token.
const SCHEMA_ONLY_ENV = {
  DATABASE_URL: 'postgres://schema-only@127.0.0.1:1/none',
  DATABASE_APP_URL: 'postgres://schema-only@127.0.0.1:1/none',
  ISOLATION_SCHEDULE_MS: '0',
  LOG_LEVEL: 'error',
  // Nothing signs, encrypts or hashes while the schema is printed: the demo keys never serve.
  AI_COMMONS_PROFILE: 'demo',
};
const NO_TOKENS: TokenVerifier = {
  verify: () => Promise.reject(new Error('schema generation verifies no token')),
  checkKeys: () => Promise.resolve(),
};

/**
 * The control plane's schema as SDL, built by booting the same ControlPlaneModule that serves it
 * (so a resolver wired into any module is in the file) with a DataSource that is never initialised:
 * no database, no Keycloak, no port. Sorted, so the file changes only when the API does.
 */
export async function printControlPlaneSchema(): Promise<string> {
  const config = loadConfig(SCHEMA_ONLY_ENV);
  const logger = new JsonLogger('schema', 'error');
  const app = await NestFactory.create(ControlPlaneModule.forRoot({ config, dataSource: new DataSource({ type: 'postgres' }), verifier: NO_TOKENS, logger }), {
    logger: false,
    abortOnError: false,
  });
  try {
    await app.init();
    return HEADER + printSchema(lexicographicSortSchema(app.get(GraphQLSchemaHost).schema)) + '\n';
  } finally {
    await app.close();
  }
}
