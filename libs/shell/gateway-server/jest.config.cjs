module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'gateway-server',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
