module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'use-cases',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
