// Lets a plain `node` process run the TypeScript sources directly, without a prior build:
//
//   node -r ./tools/register-ts.cjs apps/gateway/src/main.ts
//
// Compiles every required .ts file with swc (the workspace .swcrc: CommonJS, legacy decorators
// with metadata) and resolves the @ai-commons/* path aliases of tsconfig.base.json to their
// sources. Used to run the gateway as a real process in tests (e.g. to kill -9 it under load).
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'));

const aliases = new Map(Object.entries(compilerOptions.paths ?? {}).map(([alias, targets]) => [alias, path.join(root, targets[0])]));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function resolveAlias(request, ...rest) {
  const target = aliases.get(request);
  return resolveFilename.call(this, target ?? request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    ...swcrc,
    swcrc: false,
    filename,
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
