// What the gateway benchmarks share (gateway-bench.mjs, memory-bench.mjs): child processes, a copy
// of dist/, the bench database and its seed (one institution, endpoint, approved use case, API key),
// and the processes of a run — the model simulator, the audit sequencer, the shipped gateway from
// dist/, a stand-in OTLP collector. Importing it installs SIGINT/SIGTERM handlers that kill the
// children. Log lines are prefixed with the running script's name.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const root = path.resolve(import.meta.dirname, '../../..');
const here = import.meta.dirname;
const require = createRequire(import.meta.url);
const { Client: PgClient } = require('pg');

export const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DATABASE_NAME = 'ai_commons_bench_gateway';
export const MODEL = 'bench-model';
export const UPSTREAM_KEY = 'sk-bench-upstream-7d1c';
export const RAW_DIR = path.join(here, 'raw');
const CLOCK_TICK_MS = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
const BENCH_NAME = path.basename(process.argv[1] ?? 'bench', '.mjs');

export const log = (message) => process.stderr.write(`[${BENCH_NAME} ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Child processes

const children = new Set();

/**
 * gateway-bench --pin: each measured target (a gateway, Portkey, the reference proxy) on CPU 1,
 * everything that serves or drives it on CPU 0 (see pinning.enabled).
 */
export const pinning = { enabled: false };
const PINNED_TARGETS = /gateway \(|gateway$|Portkey|reference proxy/;

/** Starts a child process; keeps the last 4 KB of its output for error messages. */
export function startChild(name, args, env, { cwd = root } = {}) {
  const child = pinning.enabled
    ? spawn('taskset', ['-c', PINNED_TARGETS.test(name) ? '1' : '0', process.execPath, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const record = { name, child, output: '', exited: false, lines: [] };
  const keep = (chunk) => {
    record.output = (record.output + chunk.toString()).slice(-4096);
  };
  child.stdout.on('data', (chunk) => {
    keep(chunk);
    for (const line of chunk.toString().split('\n')) if (line.trim()) record.lines.push(line);
    if (record.lines.length > 50) record.lines.splice(0, record.lines.length - 50);
  });
  child.stderr.on('data', keep);
  record.exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      record.exited = true;
      children.delete(record);
      resolve({ code, signal });
    }),
  );
  children.add(record);
  return record;
}

export async function stopChild(record, graceMs = 10_000) {
  if (!record || record.exited) return;
  record.child.kill('SIGTERM');
  const result = await Promise.race([record.exit, sleep(graceMs).then(() => undefined)]);
  if (!result) {
    log(`${record.name} did not stop within ${graceMs} ms; killing it`);
    record.child.kill('SIGKILL');
    await record.exit;
  }
}

export async function stopAll() {
  await Promise.all([...children].map((record) => stopChild(record)));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: stopping child processes`);
    for (const record of children) record.child.kill('SIGKILL');
    process.exit(130);
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor(what, record, check, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (record.exited) throw new Error(`${record.name} exited while waiting for ${what}:\n${record.output}`);
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${record.output}`);
    await sleep(100);
  }
}

/** A size from /proc/<pid>/status in MiB (Linux): VmRSS, the resident set now; VmHWM, its peak so far. */
export function procStatusMiB(pid, field) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Resident set size of a process in MiB, from /proc (Linux). */
export function rssMiB(pid) {
  return procStatusMiB(pid, 'VmRSS');
}

/** utime + stime of a process in ms, from /proc (Linux). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return NaN;
  }
}

/** CPU time of each PostgreSQL process (postmaster, backends, WAL writer, checkpointer…) in ms, by pid. */
export function postgresCpuMs() {
  const byPid = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    const ms = cpuMs(pid);
    if (Number.isFinite(ms)) byPid.set(pid, ms);
  }
  return byPid;
}

/** PostgreSQL's CPU between two snapshots: processes that ended in between took their time with them, so new ones count from 0. */
export function postgresCpuDeltaMs(before, after) {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * The whole machine's busy and idle CPU time in ms, from /proc/stat (all CPUs): busy is user, nice,
 * system, irq, softirq and steal — the kernel's loopback TCP work included, whichever process it is for.
 */
export function machineCpuMs() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  return { busy: (user + nice + system + irq + softirq + steal) * CLOCK_TICK_MS, idle: (idle + iowait) * CLOCK_TICK_MS };
}

// ---------------------------------------------------------------------------------------------
// Build output, database and seed data

export function snapshotDist() {
  const dist = path.join(root, 'dist');
  const entries = ['apps/gateway/src/main.js', 'apps/model-simulator/src/main.js', 'libs/platform/testing/src/test-postgres.js'];
  if (!entries.every((entry) => existsSync(path.join(dist, entry)))) {
    log('dist/ is missing or incomplete: node tools/build.mjs');
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  const snapshot = path.join(RAW_DIR, `dist-${process.pid}`);
  rmSync(snapshot, { recursive: true, force: true });
  mkdirSync(RAW_DIR, { recursive: true });
  cpSync(dist, snapshot, { recursive: true });
  if (!entries.every((entry) => existsSync(path.join(snapshot, entry)))) throw new Error('dist/ changed while it was being copied; run again');
  return snapshot;
}

export async function withPg(url, work) {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `name`: a script that may run beside gateway-bench.mjs uses a database of its own. */
export async function createBenchDatabase(dist, name = DATABASE_NAME) {
  const { createTestDatabase } = require(path.join(dist, 'libs/platform/testing/src/test-postgres.js'));
  return createTestDatabase(ADMIN_URL, name); // bootstraps roles, (re)creates the database, migrates
}

export async function dropBenchDatabase(name = DATABASE_NAME) {
  await withPg(ADMIN_URL, (client) => client.query(`drop database if exists "${name}" with (force)`));
}

/** One institution, one endpoint (encrypted upstream credential) and one API key, as superuser. */
export async function seed(database, dist, simulatorUrl, kek) {
  const { LocalKekCipher, endpointCredentialContext } = require(path.join(dist, 'libs/domain/catalog/src/credentials/local-kek-cipher.js'));
  const cipher = new LocalKekCipher(kek);
  const apiKey = `aic_${randomBytes(32).toString('base64url')}`;
  await withPg(database.superuserUrl, async (client) => {
    const tenant = (
      await client.query(
        `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw) values ('bench-bank', '벤치은행', 'Bench Bank', 'bank', 1000000000) returning id`,
      )
    ).rows[0].id;
    const model = (
      await client.query(
        `insert into models (name, family, kind, provider, licence, context_window) values ('bench-model', 'bench', 'open', 'gateway benchmark', 'test', 8192) returning id`,
      )
    ).rows[0].id;
    const offering = (
      await client.query(
        `insert into model_offerings (model_id, hosting, region, network_zone, operator) values ($1, 'shared-infrastructure', 'KR', 'internal', 'bench') returning id`,
        [model],
      )
    ).rows[0].id;
    const endpoint = (
      await client.query(
        `with e as (insert into endpoints (tenant_id, name, offering_id, isolation_mode, driver, upstream_model, state)
           values ($1, $2, $3, 'shared-pool', 'openai-compatible', $2, 'active') returning tenant_id, id)
         insert into endpoint_targets (tenant_id, endpoint_id, url) select tenant_id, id, $4 from e returning endpoint_id as id`,
        [tenant, MODEL, offering, simulatorUrl],
      )
    ).rows[0].id;
    const encrypted = cipher.encrypt(UPSTREAM_KEY, endpointCredentialContext(tenant, endpoint));
    await client.query(
      `update endpoints set credential_ciphertext = $1, credential_key_id = $2, credential_fingerprint = $3, credential_rotated_at = now() where id = $4`,
      [encrypted.ciphertext, encrypted.keyId, cipher.fingerprint(UPSTREAM_KEY), endpoint],
    );
    // The institution is new, so the use-case register enforces (issue 13): the key is bound to an
    // approved use case that names the endpoint, and every request is checked against it.
    // Inserted as a draft with a submitted version, then approved the way a regulator's review does (the register's
    // triggers allow decisions only with app.cross_tenant = 'review').
    const useCase = (
      await client.query(`insert into use_cases (tenant_id, name, state, created_by) values ($1, 'bench use case', 'draft', 'gateway-bench') returning id`, [
        tenant,
      ])
    ).rows[0].id;
    await client.query(
      `insert into use_case_versions (tenant_id, use_case_id, version, state, purpose, business_process, data_classification_ceiling, endpoint_ids,
         risk_tier, human_oversight, owner, contact, created_by)
       values ($1, $2, 1, 'submitted', 'gateway benchmark', 'benchmark', 'confidential', array[$3::uuid], 'low', 'none', 'bench', 'bench@example.invalid', 'gateway-bench')`,
      [tenant, useCase, endpoint],
    );
    await client.query('begin');
    await client.query(`select set_config('app.cross_tenant', 'review', true)`);
    await client.query(
      `update use_case_versions set state = 'approved', decided_by = 'gateway-bench', decided_at = now() where tenant_id = $1 and use_case_id = $2`,
      [tenant, useCase],
    );
    await client.query(
      `update use_cases set state = 'approved', serving_version = 1, approval_reference = 'BENCH-2026-001', valid_from = now() - interval '1 day',
         valid_until = now() + interval '365 days', approved_by = 'gateway-bench', approved_at = now() where tenant_id = $1 and id = $2`,
      [tenant, useCase],
    );
    await client.query('commit');
    await client.query(
      `insert into api_keys (tenant_id, name, key_prefix, secret_hash, created_by, use_case_id) values ($1, 'bench', $2, $3, 'gateway-bench', $4)`,
      [tenant, apiKey.slice(0, 12), createHash('sha256').update(apiKey).digest(), useCase],
    );
  });
  return apiKey;
}

// ---------------------------------------------------------------------------------------------
// The processes of a run

/** The model simulator; its timings can also be changed while it runs (POST /_sim/config). */
export async function startSimulator(dist, { ttftMs = 0, interTokenMs = 0, outputTokens = 16 } = {}) {
  const record = startChild(
    'model-simulator',
    [
      path.join(dist, 'apps/model-simulator/src/main.js'),
      '--port',
      '0',
      '--models',
      MODEL,
      '--api-key',
      UPSTREAM_KEY,
      '--ttft-ms',
      String(ttftMs),
      '--inter-token-ms',
      String(interTokenMs),
      '--output-tokens',
      String(outputTokens),
    ],
    { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
  );
  const url = await waitFor('the simulator to listen', record, () => {
    for (const line of record.lines) {
      try {
        const event = JSON.parse(line);
        if (event.url) return event.url;
      } catch {
        // not JSON
      }
    }
    return undefined;
  });
  return { record, url };
}

/** A stand-in OTLP collector in a process of its own (otlp-sink.mjs): the traced gateway exports to it. */
export async function startOtlpSink() {
  const record = startChild('OTLP receiver', [path.join(here, 'otlp-sink.mjs')], { PATH: process.env.PATH, HOME: process.env.HOME });
  const url = await waitFor('the OTLP receiver to listen', record, () => record.lines.map((line) => JSON.parse(line).url).find(Boolean));
  return { record, url };
}

/**
 * The shipped gateway (dist/apps/gateway) as a process. `env`: extra settings (diagnostics);
 * `nodeArgs`: more node options before the entry point (e.g. --expose-gc, a -r preload).
 */
export async function startGateway(
  dist,
  database,
  kek,
  { profileDir, withoutAudit = false, withoutUseCase = false, metrics = false, otlpEndpoint, env = {}, nodeArgs: extraNodeArgs = [], name } = {},
) {
  const port = await freePort();
  const metricsPort = metrics ? await freePort() : 0;
  const nodeArgs = [
    ...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ...(withoutAudit ? ['-r', path.join(here, 'without-audit.cjs')] : []),
    ...(withoutUseCase ? ['-r', path.join(here, 'without-use-case.cjs')] : []),
    ...extraNodeArgs,
  ];
  const record = startChild(
    name ?? (withoutAudit ? 'ai-commons gateway (no audit record)' : withoutUseCase ? 'ai-commons gateway (no use-case lookup)' : 'ai-commons gateway'),
    [...nodeArgs, path.join(dist, 'apps/gateway/src/main.js')],
    {
      BENCH_GATEWAY_DIST: dist,
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: database.ownerUrl,
      DATABASE_APP_URL: database.appUrl,
      MIGRATE_ON_START: 'false',
      CREDENTIAL_KEK: kek.toString('base64'),
      // Production requires the audit keys: a fresh Ed25519 seed and content-HMAC secret per run.
      AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
      AUDIT_CONTENT_HMAC_SECRET: randomBytes(32).toString('base64'),
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      // The audit sequencer runs in a process of its own, as the control plane runs it beside the
      // gateways in a deployment (npm start: the control plane holds the sequencer's lock).
      AUDIT_SEQUENCER_ENABLED: 'false',
      GATEWAY_METRICS_PORT: String(metricsPort),
      ...(otlpEndpoint ? { OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint } : {}),
      ...env,
      // Defaults otherwise: usage recording on (flush every 200 ms, batches of 500), connect retries 2,
      // the audit record of every request (the response waits for its admission record's group
      // commit).
    },
  );
  const url = `http://127.0.0.1:${port}`;
  // A gateway takes ~25 s to be ready on a loaded 2-core machine (the third of them timed out at 30 s).
  await waitFor('the gateway to be ready', record, async () => (await fetch(`${url}/health/ready`)).ok, 120_000);
  if (metricsPort) {
    // Scraped as Prometheus would, a little more often than its usual 15 s.
    const scraper = setInterval(
      () =>
        fetch(`http://127.0.0.1:${metricsPort}/metrics`)
          .then((response) => response.text())
          .catch(() => undefined),
      5_000,
    );
    scraper.unref();
    record.child.once('exit', () => clearInterval(scraper));
  }
  return { record, url };
}

/** The audit sequencer as a control plane runs it: leaf indexes, Merkle nodes, a signed head every 10 s. */
export async function startSequencer(database) {
  const record = startChild('audit sequencer', ['-r', path.join(root, 'tools/register-ts.cjs'), path.join(root, 'test/bench/audit/sequencer-runner.ts')], {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_APP_URL: database.appUrl,
    AUDIT_SEQUENCER_INTERVAL_MS: '250',
    AUDIT_TREE_HEAD_INTERVAL_MS: '10000',
  });
  await waitFor('the audit sequencer to start', record, async () => record.lines.some((line) => line.includes('sequencer.ready')));
  return { record };
}
