#!/usr/bin/env node
// `npm test`: the whole suite. Installs if needed; starts the local Keycloak in the background
// (unless KEYCLOAK_URL is set) while lint, typecheck and unit tests run; then the integration tests
// on real PostgreSQL and real Keycloak tokens. Stops the Keycloak it started.
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ensureInstalled, repoRoot, run, seconds } from './lib/process.mjs';

const started = performance.now();
// The tests run every service on the repository's publicly known demo secrets, and say so.
process.env.AI_COMMONS_PROFILE = 'demo';
console.log('» profile: AI_COMMONS_PROFILE=demo (publicly known demo secrets; production refuses them)');
await ensureInstalled();
const results = path.join(repoRoot, '.data', 'test-results');
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const external = Boolean(process.env.KEYCLOAK_URL);
const alreadyRunning = !external && (await run('bash', ['deploy/keycloak/keycloak.sh', 'status'], { stdio: 'ignore' })) === 0;
const keycloak = external || alreadyRunning ? Promise.resolve(0) : run('bash', ['deploy/keycloak/keycloak.sh', 'start']);

const steps = [];
async function step(name, command, args) {
  const t = performance.now();
  console.log(`\n» ${name}`);
  const code = await run(command, args);
  steps.push({ name, ok: code === 0, seconds: seconds(t) });
  return code === 0;
}

const jestBin = 'node_modules/.bin/jest';
// One ESLint process over every project, module boundaries from a fresh Nx project graph (tools/lint.mjs).
await step('lint (eslint, module boundaries)', 'node', ['tools/lint.mjs']);
// Every project's tsconfig in a few shared TypeScript programs, cached in .cache/typecheck (tools/typecheck.mjs).
await step('typecheck', 'node', ['tools/typecheck.mjs']);
await step('format (Prettier, .prettierrc.json)', 'node', ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level=warn', '.']);
await step('knip (unused files, exports, dependencies)', 'node', ['node_modules/knip/bin/knip.js', '--no-progress']);
// Fails when schema.graphql differs from the code; prints breaking changes against the previous commit.
await step('GraphQL schema (committed = code; breaking changes reported)', 'node', ['tools/graphql-schema.mjs', 'check']);
// Builds the console (types from schema.graphql, Vite) and checks its initial-JS budget; the browser
// tests in the integration step run against this build.
await step('console build (initial JS ≤ 300 KB gzip)', 'node', ['apps/console/tools/build-console.mjs']);
// jest's default is one worker fewer than the cores: one worker on a 2-core machine (68 s there, 38 s with two).
await step('unit tests', 'node', [jestBin, '-c', 'jest.config.cjs', '--maxWorkers=100%', '--json', `--outputFile=${results}/unit.json`]);
const keycloakCode = await keycloak;
// The container image's layout, entrypoints run as a non-root user on a read-only app directory.
await step('image layout (production dependencies, non-root, read-only, signals)', 'node', ['tools/image-layout-check.mjs']);
if (keycloakCode !== 0) {
  steps.push({ name: 'keycloak start', ok: false, seconds: '-' });
} else {
  await step('integration tests (PostgreSQL + Keycloak)', 'node', [jestBin, '-c', 'test/e2e/jest.config.cjs', '--json', `--outputFile=${results}/e2e.json`]);
}
if (!external && !alreadyRunning) await run('bash', ['deploy/keycloak/keycloak.sh', 'stop']);

let passed = 0;
let failed = 0;
for (const file of ['unit.json', 'e2e.json']) {
  const full = path.join(results, file);
  if (!existsSync(full)) continue;
  const report = JSON.parse(readFileSync(full, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
}
console.log('\nsummary');
for (const s of steps) console.log(`  ${s.ok ? '✔' : '✘'} ${s.name} (${s.seconds} s)`);
console.log(`  wall time ${seconds(started)} s`);
// A Keycloak that did not start is a failed step too, so every step passing means the whole suite ran.
const ok = steps.every((s) => s.ok);
if (!ok && failed === 0) failed = steps.filter((s) => !s.ok).length;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
