import path from 'node:path';
import { createTestDatabase, resolveTestPostgres, waitForKeycloak } from '@ai-commons/testing';

/**
 * Once per run: pick the PostgreSQL server (local at :5432, else embedded), create a fresh,
 * migrated database, and make sure the real Keycloak answers. Workers read the result from env.
 */
export default async function globalSetup(): Promise<void> {
  const repoRoot = path.resolve(__dirname, '../../../..');
  const { adminUrl, embedded } = await resolveTestPostgres(repoRoot);
  const database = await createTestDatabase(adminUrl, `ai_commons_e2e_${process.pid}`);
  process.env.E2E_DATABASE = JSON.stringify(database);
  process.stdout.write(`\ne2e: PostgreSQL ${embedded ? 'embedded' : 'local'}, database ${database.name}\n`);
  process.stdout.write('e2e: services run with AI_COMMONS_PROFILE=demo (the publicly known demo secrets; never for production)\n');
  await waitForKeycloak();
}
