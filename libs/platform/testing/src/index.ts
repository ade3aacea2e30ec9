export * from './test-postgres';
export * from './keycloak-tokens';
export * from './test-config';
export * from './graphql-client';
