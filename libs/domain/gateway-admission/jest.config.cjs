module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'gateway-admission',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};
