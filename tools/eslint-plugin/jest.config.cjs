module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'eslint-plugin',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.spec.ts'],
};
