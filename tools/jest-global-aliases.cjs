// jest applies moduleNameMapper to test files but not to globalSetup/globalTeardown: resolve the
// @ai-commons/* aliases for them here (jest's transformer still compiles the TypeScript sources).
const Module = require('node:module');
const path = require('node:path');
const { pathsToModuleNameMapper } = require('./jest-paths.cjs');

const mapper = Object.entries(pathsToModuleNameMapper(path.join(__dirname, '..', 'tsconfig.base.json'))).map(
  ([pattern, target]) => [new RegExp(pattern), target],
);
const original = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  for (const [pattern, target] of mapper) if (pattern.test(request)) return original.call(this, target, ...rest);
  return original.call(this, request, ...rest);
};
