// jest applies moduleNameMapper to test files but not to globalSetup/globalTeardown (which load in
// jest's own process): test/e2e/jest.config.cjs requires this so they resolve @ai-commons/* too.
const Module = require('node:module');
const path = require('node:path');
const { pathsToModuleNameMapper } = require('./jest-paths.cjs');

const mapper = Object.entries(pathsToModuleNameMapper(path.join(__dirname, '..', 'tsconfig.base.json'))).map(([pattern, target]) => [
  new RegExp(pattern),
  target,
]);
const original = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  for (const [pattern, target] of mapper) if (pattern.test(request)) return original.call(this, target, ...rest);
  return original.call(this, request, ...rest);
};
