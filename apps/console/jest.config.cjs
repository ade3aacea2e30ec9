// Unit tests of the console's pure parts (verification, formatting, navigation, catalogue) in Node:
// WebCrypto (SHA-256, Ed25519) is the same API there as in the browser.
const preset = require('../../jest.preset.cjs');

module.exports = {
  ...preset,
  displayName: 'console',
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
};
