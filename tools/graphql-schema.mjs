#!/usr/bin/env node
// `npm run schema:generate` writes schema.graphql from the control plane's code-first types;
// `npm run schema:check` reports breaking changes against the previous commit and fails when the
// committed file differs from the code. Runs the TypeScript sources directly (no build).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
require('./register-ts.cjs');
require('reflect-metadata');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { runSchemaCommand } = require('../libs/shell/control-plane-server/src/schema/schema-command.ts');
process.exitCode = await runSchemaCommand(process.argv.slice(2), root, (line) => console.log(line));
