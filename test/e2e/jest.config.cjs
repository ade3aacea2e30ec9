// Integration tests: real PostgreSQL (127.0.0.1:5432 or embedded) and real Keycloak tokens.
// jest applies moduleNameMapper to tests but not to globalSetup/globalTeardown, which load in this
// process: let this process resolve the @ai-commons/* aliases itself.
require('../../tools/jest-global-aliases.cjs');
module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 60_000,
};
