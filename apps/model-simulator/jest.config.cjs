module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'model-simulator',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
};
