module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'audit-verifier',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
