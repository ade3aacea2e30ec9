import { loadConfig, type AppConfig } from '@ai-commons/config';
import { KEYCLOAK_URL } from './keycloak-tokens';

/**
 * A validated configuration for in-process servers in tests: the demo profile (the repository's
 * publicly known secrets) and, like every service, only the application role's connection.
 */
export function testConfig(database: { appUrl: string }, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    AI_COMMONS_PROFILE: 'demo',
    LOG_LEVEL: 'warn',
    DATABASE_APP_URL: database.appUrl,
    KEYCLOAK_URL,
    KEYCLOAK_JWKS_MIN_INTERVAL_S: '0.001',
    CONTROL_PLANE_PORT: '0',
    ...overrides,
  });
}
