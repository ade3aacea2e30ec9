#!/usr/bin/env node
// Builds the console (GraphQL types from schema.graphql, then Vite) into dist/apps/console and fails
// when the initial JavaScript exceeds its gzip budget. Run by `npm run build` / `npm start` (tools/build.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkBudget, INITIAL_JS_BUDGET_BYTES } from './bundle-budget.mjs';

const root = path.resolve(import.meta.dirname, '../../..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
for (const [command, args] of [
  [bin('graphql-codegen'), ['--config', 'apps/console/codegen.ts', '--silent']],
  [bin('vite'), ['build', '--config', 'apps/console/vite.config.mts', '--logLevel', 'warn']],
]) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const budget = checkBudget(path.join(root, 'dist/apps/console'));
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`console: initial JS ${kb(budget.gzip)} gzip (budget ${kb(INITIAL_JS_BUDGET_BYTES)}) in ${budget.files.length} files`);
if (!budget.ok) {
  for (const file of budget.files) console.error(`  ${file.url}: ${kb(file.gzip)} gzip`);
  console.error('✘ console: initial JavaScript over budget');
  process.exit(1);
}
