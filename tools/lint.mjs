#!/usr/bin/env node
// `npm run lint` (and `npm test`): ESLint (eslint.config.mjs) over every project with a lint target,
// in one process with --max-warnings=0, instead of one eslint process per project (each loading the
// config, the TypeScript parser and the plugins again).
//
// @nx/enforce-module-boundaries reads Nx's cached project graph and skips itself, with only a warning,
// when there is none (a fresh clone), and a stale one would check old tags: compute the graph first.
import { spawn } from 'node:child_process';
import path from 'node:path';
import nxDevkit from 'nx/src/devkit-exports';

const repoRoot = path.resolve(import.meta.dirname, '..');
const started = performance.now();

const graph = await nxDevkit.createProjectGraphAsync({ exitOnError: true });
const roots = Object.values(graph.nodes)
  .filter((project) => project.data.targets?.lint)
  .map((project) => project.data.root)
  .sort();

const code = await new Promise((resolve) => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--max-warnings=0', ...roots], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    process.stdout.write(chunk);
  });
  child.once('error', () => resolve(1));
  // The skipped rule's warning is not an ESLint warning, so --max-warnings would not catch it.
  child.once('exit', (exitCode) => resolve(output.includes('No cached ProjectGraph') ? 1 : (exitCode ?? 1)));
});
console.log(`lint: ${roots.length} projects, ${code === 0 ? 'no problems' : 'failed'} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
process.exit(code);
