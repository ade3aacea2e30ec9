#!/usr/bin/env node
// `npm start`: installs if needed, builds, and runs the whole platform on its embedded defaults:
// embedded PostgreSQL (or DATABASE_URL), local Keycloak (or KEYCLOAK_URL), the model simulator,
// the control plane and the gateway, with the demo consortium seeded. Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { mkdirSync, createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ensureInstalled, mustRun, repoRoot, run, seconds } from './lib/process.mjs';

const started = performance.now();
await ensureInstalled();
await mustRun('node', ['tools/build.mjs']);
const { resolveDatabase } = await import('./lib/database.mjs');
const { services, printBanner } = await import('./lib/platform.mjs');

const logs = path.join(repoRoot, '.data', 'logs');
mkdirSync(logs, { recursive: true });
const keycloakExternal = Boolean(process.env.KEYCLOAK_URL);
const keycloakUrl = process.env.KEYCLOAK_URL ?? 'http://localhost:18080';
// Only a Keycloak this run starts is stopped again on exit; a running one is reused and left alone.
const keycloakWasRunning = !keycloakExternal && (await run('bash', ['deploy/keycloak/keycloak.sh', 'status'], { stdio: 'ignore' })) === 0;
const keycloakStart = keycloakExternal ? Promise.resolve(0) : run('bash', ['deploy/keycloak/keycloak.sh', 'start']);

const database = await resolveDatabase();
console.log(`» PostgreSQL: ${database.embedded ? `embedded (${database.dataDir ?? 'already running'})` : 'DATABASE_URL'}`);
console.log('» profile: AI_COMMONS_PROFILE=demo (publicly known demo secrets and passwords; production refuses them)');

const children = [];
function startService({ name, entry, env, readyUrl }) {
  const log = createWriteStream(path.join(logs, `${name}.log`), { flags: 'a' });
  const child = spawn('node', ['--enable-source-maps', entry, ...(env.ARGS ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(`✘ ${name} exited (${code}); see .data/logs/${name}.log`);
      void stop(1);
    }
  });
  children.push({ name, child });
  return waitFor(readyUrl, name);
}

async function waitFor(url, name, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not become ready at ${url}; see .data/logs/${name}.log`);
}

let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n» stopping');
  for (const { child } of children.reverse()) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)))));
  if (!keycloakExternal && !keycloakWasRunning && process.env.KEEP_KEYCLOAK !== 'true') {
    await run('bash', ['deploy/keycloak/keycloak.sh', 'stop']);
  }
  await database.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

try {
  // Migrations are their own step, as the schema owner (npm run db:migrate); the services never see the owner's URL.
  const require = createRequire(import.meta.url);
  const { runMigrations } = require(path.join(repoRoot, 'dist/libs/platform/database/src/index.js'));
  const { ALL_MIGRATIONS } = require(path.join(repoRoot, 'dist/migrations/src/index.js'));
  const applied = await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl });
  console.log(`» migrations (as ${new URL(database.ownerUrl).username}): ${applied.length ? `applied ${applied.join(', ')}` : 'schema is up to date'}`);
  const list = services({ database, keycloakUrl });
  // The simulator needs nothing else; the control plane needs Keycloak's keys only for requests.
  for (const service of list.filter((s) => !s.needsKeycloak)) await startService(service);
  if ((await keycloakStart) !== 0) throw new Error('Keycloak did not start; see .data/keycloak/keycloak.log');
  const { ensureConsoleClient } = await import('./lib/keycloak-console-client.mjs');
  console.log(`» Keycloak: ${await ensureConsoleClient(keycloakUrl).catch((error) => `console client not checked (${error.message})`)}`);
  for (const service of list.filter((s) => s.needsKeycloak)) await startService(service);
  printBanner({ keycloakUrl, seconds: seconds(started) });
} catch (error) {
  console.error(`✘ ${error.message}`);
  await stop(1);
}
