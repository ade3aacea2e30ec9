module.exports = {
  ...require('../../../jest.preset.cjs'),
  displayName: 'data-policy',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};
