module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'audit-proofs',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
