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
    // Every test calls from 127.0.0.1: the per-source brake on failed authentication would trip
    // across unrelated tests. Tests of the brake set their own burst.
    AUTH_FAILURE_BURST: '1000000',
    // Suites share one database and their fixtures leave active keys behind; the limit's own test sets it.
    API_KEYS_MAX_ACTIVE_PER_INSTITUTION: '100000',
    ...overrides,
  });
}
