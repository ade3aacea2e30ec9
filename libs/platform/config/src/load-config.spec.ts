import { loadConfig, ConfigValidationError } from './load-config';

const minimal = {
  DATABASE_URL: 'postgres://owner@127.0.0.1:5432/aic',
  DATABASE_APP_URL: 'postgres://app@127.0.0.1:5432/aic',
};

describe('loadConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadConfig(minimal);
    expect(config.CONTROL_PLANE_PORT).toBe(4000);
    expect(config.KEYCLOAK_REALM).toBe('ai-commons');
    expect(config.GRAPHQL_INTROSPECTION).toBe(false);
  });

  it('coerces numbers and booleans', () => {
    const config = loadConfig({ ...minimal, CONTROL_PLANE_PORT: '4123', GRAPHQL_INTROSPECTION: 'true' });
    expect(config.CONTROL_PLANE_PORT).toBe(4123);
    expect(config.GRAPHQL_INTROSPECTION).toBe(true);
  });

  it('lists every problem in one readable error', () => {
    let caught: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', CONTROL_PLANE_PORT: '70000', GRAPHQL_INTROSPECTION: 'maybe' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const message = (caught as Error).message;
    expect(message).toContain('DATABASE_URL: must be a postgres:// URL');
    expect(message).toContain('DATABASE_APP_URL');
    expect(message).toContain('CONTROL_PLANE_PORT');
    expect(message).toContain('GRAPHQL_INTROSPECTION');
  });
});

describe('CREDENTIAL_KEK', () => {
  it('must be 32 bytes and is required in production', () => {
    expect(() => loadConfig({ ...minimal, CREDENTIAL_KEK: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
    expect(() => loadConfig({ ...minimal, NODE_ENV: 'production' })).toThrow(/CREDENTIAL_KEK: is required in production/);
    expect(loadConfig({ ...minimal, NODE_ENV: 'production', CREDENTIAL_KEK: Buffer.alloc(32, 1).toString('base64') }).CREDENTIAL_KEK).toBeDefined();
  });
});
