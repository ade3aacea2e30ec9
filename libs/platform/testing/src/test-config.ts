import { loadConfig, type AppConfig } from '@ai-commons/config';
import { KEYCLOAK_URL } from './keycloak-tokens';

/** A validated configuration for in-process servers in tests. */
export function testConfig(database: { ownerUrl: string; appUrl: string }, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.ownerUrl,
    DATABASE_APP_URL: database.appUrl,
    KEYCLOAK_URL,
    KEYCLOAK_JWKS_MIN_INTERVAL_S: '0.001',
    CONTROL_PLANE_PORT: '0',
    MIGRATE_ON_START: 'false',
    ...overrides,
  });
}
