module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'token-count',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
