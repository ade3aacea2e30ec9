// Audit log benchmark (issue 5). Creates its own database, measures, writes results.md, drops the
// database:
//
//   node -r ./tools/register-ts.cjs test/bench/audit/audit-bench.ts [--events 1000000]
//        [--append-seconds 20] [--append-concurrency 256] [--gateway-rate 100] [--gateway-seconds 20]
//        [--gateway-repeats 3] [--proofs 1000] [--queries 60] [--skip-gateway] [--out test/bench/audit/results.md]
//
// Runs the TypeScript sources (tools/register-ts.cjs), never dist/, so it cannot race with
// someone else's build. Needs PostgreSQL (BENCH_POSTGRES_ADMIN_URL, default
// postgres://postgres@127.0.0.1:5432/postgres). See README.md for what each phase measures.
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { assembleProof, inclusionProofPlan } from '@ai-commons/audit-proofs';
import {
  AuditBatchWriter,
  AuditKeys,
  AuditLogService,
  AuditSequencer,
  DatabaseAuditSink,
  fetchNodes,
  queryableOfPg,
  type AuditEventFilter,
  type AuditEventInput,
} from '@ai-commons/audit';
import { RequestContext, type Principal, type TenantScope } from '@ai-commons/core';
import { createAppDataSource, TenantDatabase, TenantScopes } from '@ai-commons/database';
import { createTestDatabase, dropTestDatabase, withPg, type TestDatabase } from '@ai-commons/testing';
import { timeVerifier } from './verifier-timing';

const root = path.resolve(__dirname, '../../..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined && !argv[index + 1]!.startsWith('--') ? argv[index + 1]! : fallback;
};
const OPTIONS = {
  events: Number(option('events', '1000000')),
  appendSeconds: Number(option('append-seconds', '20')),
  appendConcurrency: Number(option('append-concurrency', '256')),
  gatewayRate: Number(option('gateway-rate', '100')),
  gatewaySeconds: Number(option('gateway-seconds', '20')),
  gatewayRepeats: Number(option('gateway-repeats', '3')),
  proofs: Number(option('proofs', '1000')),
  queries: Number(option('queries', '60')),
  skipGateway: argv.includes('--skip-gateway'),
  out: path.resolve(option('out', path.join(__dirname, 'results.md'))),
};
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE_NAME = 'ai_commons_bench_audit';
const DAY_MS = 86_400_000;
const HISTORY_DAYS = 30;

type Row = Record<string, string | number>;
const results: Row[] = [];
const notes: string[] = [];

function log(message: string): void {
  process.stdout.write(`[${new Date().toISOString()}] ${message}\n`);
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const median = (values: number[]) => percentile(values, 50);
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
const count = (value: number) => Math.round(value).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------

interface Fixture {
  db: TestDatabase;
  tenants: string[];
  endpointId: string;
  apiKey: string;
  keys: AuditKeys;
}

async function seed(db: TestDatabase): Promise<Omit<Fixture, 'db' | 'keys'>> {
  return withPg(db.superuserUrl, async (client) => {
    const tenants: string[] = [];
    for (const [slug, capital] of [
      ['bench-bank', '50000000000'],
      ['bench-insurance', '30000000000'],
      ['bench-securities', '20000000000'],
    ]) {
      const row = await client.query(
        `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw) values ($1, $1, $1, 'bank', $2) returning id`,
        [slug, capital],
      );
      tenants.push(row.rows[0].id);
    }
    const model = await client.query(
      `insert into models (name, family, kind, provider, licence, context_window) values ('bench-model', 'bench', 'open', 'bench', 'test', 8192) returning id`,
    );
    const offering = await client.query(
      `insert into model_offerings (model_id, hosting, region, network_zone, operator) values ($1, 'shared-infrastructure', 'KR', 'internal', 'bench') returning id`,
      [model.rows[0].id],
    );
    const simulatorUrl = 'http://127.0.0.1:1'; // replaced once the simulator runs
    const endpoint = await client.query(
      `with e as (insert into endpoints (tenant_id, name, offering_id, isolation_mode, driver, upstream_model, state)
         values ($1, 'bench-model', $2, 'shared-pool', 'openai-compatible', 'bench-model', 'active') returning tenant_id, id)
       insert into endpoint_targets (tenant_id, endpoint_id, url) select tenant_id, id, $3 from e returning endpoint_id as id`,
      [tenants[0], offering.rows[0].id, simulatorUrl],
    );
    // New institutions enforce the use-case register (issue 13): the key is bound to an approved use
    // case naming the endpoint (approved the way a regulator's review does: app.cross_tenant = 'review').
    const useCase = (
      await client.query(`insert into use_cases (tenant_id, name, state, created_by) values ($1, 'bench use case', 'draft', 'bench') returning id`, [
        tenants[0],
      ])
    ).rows[0].id;
    await client.query(
      `insert into use_case_versions (tenant_id, use_case_id, version, state, purpose, business_process, data_classification_ceiling, endpoint_ids,
         risk_tier, human_oversight, owner, contact, created_by)
       values ($1, $2, 1, 'submitted', 'audit benchmark', 'benchmark', 'confidential', array[$3::uuid], 'low', 'none', 'bench', 'bench@example.invalid', 'bench')`,
      [tenants[0], useCase, endpoint.rows[0].id],
    );
    await client.query('begin');
    await client.query(`select set_config('app.cross_tenant', 'review', true)`);
    await client.query(`update use_case_versions set state = 'approved', decided_by = 'bench', decided_at = now() where tenant_id = $1 and use_case_id = $2`, [
      tenants[0],
      useCase,
    ]);
    await client.query(
      `update use_cases set state = 'approved', serving_version = 1, approval_reference = 'BENCH-AUDIT-001', valid_from = now() - interval '1 day',
         valid_until = now() + interval '365 days', approved_by = 'bench', approved_at = now() where tenant_id = $1 and id = $2`,
      [tenants[0], useCase],
    );
    await client.query('commit');
    const apiKey = `aic_${randomBytes(32).toString('base64url')}`;
    await client.query(`insert into api_keys (tenant_id, name, key_prefix, secret_hash, created_by, use_case_id) values ($1, 'bench', $2, $3, 'bench', $4)`, [
      tenants[0],
      apiKey.slice(0, 12),
      createHash('sha256').update(apiKey).digest(),
      useCase,
    ]);
    return { tenants, endpointId: endpoint.rows[0].id, apiKey };
  });
}

function appDataSource(db: TestDatabase): Promise<DataSource> {
  return createAppDataSource({ url: db.appUrl, entities: [], poolSize: 10, statementTimeoutMs: 120_000, applicationName: 'audit-bench' }).initialize();
}

/** Waits until the sequencer has given leaves to `events` events; fails if its process died. */
async function waitSequenced(db: TestDatabase, events: number, sequencer: Spawned): Promise<void> {
  while ((await sequencedSize(db)) < events) {
    if (sequencer.child.exitCode !== null || sequencer.child.signalCode !== null) throw new Error('the sequencer process exited');
    await sleep(100);
  }
}

async function sequencedSize(db: TestDatabase): Promise<number> {
  return withPg(db.superuserUrl, async (client) => Number((await client.query('select coalesce(max(leaf_index) + 1, 0) as n from audit_leaves')).rows[0].n));
}

async function eventCount(db: TestDatabase): Promise<number> {
  return withPg(db.superuserUrl, async (client) => Number((await client.query('select count(*) as n from audit_events')).rows[0].n));
}

async function headCount(db: TestDatabase): Promise<number> {
  return withPg(db.superuserUrl, async (client) => Number((await client.query('select count(*) as n from audit_tree_heads')).rows[0].n));
}

// ---------------------------------------------------------------------------------------------
// 1. Sustained append rate: group-committed appends (as the gateway writes admission records)
//    while the sequencer assigns leaves and signs a tree head every second.

async function appendRate(fixture: Fixture): Promise<void> {
  const { db, tenants, endpointId, keys } = fixture;
  const dataSource = await appDataSource(db);
  const writer = AuditBatchWriter.forDatabase(new TenantDatabase(dataSource), { flushMs: 200 });
  writer.start();
  // The sequencer runs in a process of its own, as in a deployment (the control plane's).
  const sequencer = await startSequencerProcess(db, { AUDIT_SEQUENCER_INTERVAL_MS: '250', AUDIT_TREE_HEAD_INTERVAL_MS: '1000' });
  const before = { events: await eventCount(db), leaves: await sequencedSize(db), heads: await headCount(db) };
  let sequence = 0;
  const event = (): AuditEventInput => {
    const i = sequence++;
    const tenantId = tenants[i % tenants.length]!;
    return {
      id: randomUUID(),
      tenantId,
      occurredAt: new Date(),
      requestId: `append-${i}`,
      actor: {
        subject: `api-key:${i % 40}`,
        username: `api-key:${i % 40}`,
        institutionId: tenantId,
        roles: ['tenant-member'],
        clientId: `key-${i % 40}`,
        authMethod: 'api-key',
        sourceAddress: '10.0.0.1',
      },
      action: 'gateway.request.admitted',
      resourceType: 'endpoint',
      resourceId: endpointId,
      outcome: 'success',
      endpoint: 'bench-model',
      model: 'bench-model',
      dataClassification: 'internal',
      policyDecision: 'allow',
      promptHmac: keys.contentHmac(tenantId, `prompt ${i}`),
      details: { operation: 'chat', estimatedTokens: 120 },
    };
  };
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + OPTIONS.appendSeconds * 1000;
  await Promise.all(
    Array.from({ length: OPTIONS.appendConcurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await writer.appendDurable(event());
        latencies.push(performance.now() - t);
      }
    }),
  );
  const windowS = (performance.now() - started) / 1000;
  const atEnd = { leaves: await sequencedSize(db), heads: await headCount(db) };
  const committed = latencies.length;
  const drainStarted = performance.now();
  await waitSequenced(db, before.events + committed, sequencer);
  const drainS = (performance.now() - drainStarted) / 1000;
  await writer.stop();
  await stopProcess(sequencer);
  await dataSource.destroy();
  const sequencedInWindow = atEnd.leaves - before.leaves;
  const sustained = Math.min(committed / windowS, (sequencedInWindow + 0) / windowS);
  results.push({
    measure: 'Sustained append rate (group-committed admission records, sequencer running, a tree head signed every second)',
    target: '≥ 5,000 events/s',
    result: `${count(committed / windowS)} events/s committed, ${count(sequencedInWindow / windowS)} events/s sequenced`,
    detail: `${count(committed)} events in ${windowS.toFixed(1)} s from ${OPTIONS.appendConcurrency} concurrent writers; commit wait p50 ${ms(median(latencies))} ms, p99 ${ms(percentile(latencies, 99))} ms; ${atEnd.heads - before.heads} tree heads signed; sequencer backlog at the end ${count(before.events + committed - atEnd.leaves)} events, drained in ${drainS.toFixed(2)} s`,
    verdict: sustained >= 5000 ? 'met' : 'missed',
  });
  log(`append: ${JSON.stringify(results[results.length - 1])}`);
}

// ---------------------------------------------------------------------------------------------
// 2. What the audit record adds to gateway latency: two gateway processes, identical but for the
//    audit hook (gateway-runner.ts), in front of a simulator with 50 ms time to first token.

interface Spawned {
  child: ChildProcess;
  url: string;
  /** JSON lines the process printed after it was ready. */
  lines: Record<string, unknown>[];
}

function spawnTs(
  script: string,
  args: string[],
  env: Record<string, string>,
  readyEvent: (entry: Record<string, unknown>) => string | undefined,
): Promise<Spawned> {
  const child = spawn(process.execPath, ['-r', path.join(root, 'tools/register-ts.cjs'), script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const printed: Record<string, unknown>[] = [];
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        printed.push(entry);
        const url = readyEvent(entry);
        if (url) resolve({ child, url, lines: printed });
      } catch {
        // not JSON
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited early (${code})`)));
  });
}

function startSequencerProcess(db: TestDatabase, env: Record<string, string>): Promise<Spawned> {
  return spawnTs(path.join(__dirname, 'sequencer-runner.ts'), [], { DATABASE_APP_URL: db.appUrl, ...env }, (entry) =>
    entry['event'] === 'sequencer.ready' ? 'n/a' : undefined,
  );
}

async function stopProcess(spawned: Spawned | undefined): Promise<void> {
  if (!spawned || spawned.child.exitCode !== null) return;
  // Exited, and everything it printed read.
  const exited = Promise.all([
    new Promise((resolve) => spawned.child.once('exit', resolve)),
    new Promise((resolve) => (spawned.child.stdout ? spawned.child.stdout.once('close', resolve) : resolve(undefined))),
  ]);
  spawned.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000).then(() => spawned.child.kill('SIGKILL'))]);
}

const CHAT_BODY = JSON.stringify({
  model: 'bench-model',
  messages: [{ role: 'user', content: '이 대출 약관을 한 문장으로 요약해 주세요. Summarise the loan terms in one sentence.' }],
  max_tokens: 16,
});

function oneRequest(agent: http.Agent, url: string, apiKey: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(CHAT_BODY);
  });
}

/** User + system CPU time of a process so far (Linux /proc), in ms. */
async function processCpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return (ticks * 1000) / 100; // USER_HZ
}

/** Open loop: one request every 1000/rate ms, whatever the answers do; latency of each. */
async function pacedLoad(url: string, apiKey: string, rate: number, seconds: number): Promise<{ latencies: number[]; errors: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
  const latencies: number[] = [];
  let errors = 0;
  const interval = 1000 / rate;
  const total = Math.round(rate * seconds);
  const start = performance.now() + 20;
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    pending.push(
      oneRequest(agent, url, apiKey).then(
        (latency) => void latencies.push(latency),
        () => void errors++,
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  return { latencies, errors };
}

async function gatewayLatency(fixture: Fixture): Promise<void> {
  const { db, apiKey } = fixture;
  let simulator: Spawned | undefined;
  let sequencer: Spawned | undefined;
  const gateways: Record<'with' | 'without', Spawned | undefined> = { with: undefined, without: undefined };
  try {
    simulator = await spawnTs(
      path.join(root, 'apps/model-simulator/src/main.ts'),
      ['--port', '0', '--models', 'bench-model', '--ttft-ms', '50', '--inter-token-ms', '0', '--output-tokens', '16'],
      {},
      (entry) => (entry['msg'] === 'model-simulator listening' ? String(entry['url']) : undefined),
    );
    await withPg(db.superuserUrl, (client) => client.query(`update endpoint_targets set url = $1`, [simulator!.url]));
    const env = {
      NODE_ENV: 'test',
      AI_COMMONS_PROFILE: 'demo',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_URL: db.appUrl,
      GATEWAY_PORT: '0',
      CATALOG_HEALTH_PROBE_INTERVAL_MS: '0',
    };
    const ready = (entry: Record<string, unknown>) => (entry['event'] === 'gateway.ready' ? String(entry['url']) : undefined);
    const runner = path.join(__dirname, 'gateway-runner.ts');
    // The sequencer runs beside them, as in a control plane; the gateways only write records.
    sequencer = await startSequencerProcess(db, { AUDIT_SEQUENCER_INTERVAL_MS: '250', AUDIT_TREE_HEAD_INTERVAL_MS: '10000' });
    gateways.with = await spawnTs(runner, [], { ...env, AUDIT_SEQUENCER_ENABLED: 'false' }, ready);
    gateways.without = await spawnTs(runner, [], { ...env, AUDIT_SEQUENCER_ENABLED: 'false', AUDIT_BENCH_WITHOUT_AUDIT: '1' }, ready);
    const eventsBefore = await eventCount(db);
    log('gateway: warm-up');
    for (const which of ['with', 'without'] as const) await pacedLoad(gateways[which]!.url, apiKey, OPTIONS.gatewayRate, 5);
    const runs: Record<'with' | 'without', { p50: number; p90: number; p99: number; n: number; errors: number; cpuUsPerRequest: number }[]> = {
      with: [],
      without: [],
    };
    for (let repeat = 0; repeat < OPTIONS.gatewayRepeats; repeat++) {
      const order = repeat % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const);
      for (const which of order) {
        const cpuBefore = await processCpuMs(gateways[which]!.child.pid!);
        const { latencies, errors } = await pacedLoad(gateways[which]!.url, apiKey, OPTIONS.gatewayRate, OPTIONS.gatewaySeconds);
        const cpuMs = (await processCpuMs(gateways[which]!.child.pid!)) - cpuBefore;
        runs[which].push({
          p50: median(latencies),
          p90: percentile(latencies, 90),
          p99: percentile(latencies, 99),
          n: latencies.length,
          errors,
          cpuUsPerRequest: (cpuMs * 1000) / latencies.length,
        });
        log(`gateway ${which} audit, repeat ${repeat + 1}: ${JSON.stringify(runs[which].at(-1))}`);
      }
    }
    const recorded = (await eventCount(db)) - eventsBefore;
    await stopProcess(gateways.with);
    const commits = gateways.with.lines.find((line) => line['event'] === 'audit.commit_stats') as Record<string, number> | undefined;
    const summary = (which: 'with' | 'without', key: 'p50' | 'p90' | 'p99' | 'cpuUsPerRequest') => median(runs[which].map((run) => run[key]));
    const added = summary('with', 'p50') - summary('without', 'p50');
    const pairedAdded = median(runs.with.map((run, i) => run.p50 - runs.without[i]!.p50));
    const errors = [...runs.with, ...runs.without].reduce((sum, run) => sum + run.errors, 0);
    results.push({
      measure: 'Gateway p50 added by the audit record (simulator: 50 ms to first token; sequencer in another process)',
      target: '≤ 1 ms',
      result: `${ms(added)} ms (p50 ${ms(summary('with', 'p50'))} ms with, ${ms(summary('without', 'p50'))} ms without)`,
      detail: `${OPTIONS.gatewayRate} req/s paced, ${OPTIONS.gatewayRepeats} × ${OPTIONS.gatewaySeconds} s per gateway, interleaved; median of paired differences ${ms(pairedAdded)} ms; admission record commit (overlapped with the upstream call) p50 ${ms(commits?.['p50'] ?? NaN)} ms, p90 ${ms(commits?.['p90'] ?? NaN)} ms, p99 ${ms(commits?.['p99'] ?? NaN)} ms, max ${ms(commits?.['max'] ?? NaN)} ms; gateway process CPU per request ${summary('with', 'cpuUsPerRequest').toFixed(0)} µs with, ${summary('without', 'cpuUsPerRequest').toFixed(0)} µs without; p90 ${ms(summary('with', 'p90'))} vs ${ms(summary('without', 'p90'))} ms; p99 ${ms(summary('with', 'p99'))} vs ${ms(summary('without', 'p99'))} ms; ${count(recorded)} audit events written during the runs; ${errors} errors`,
      verdict: added <= 1 ? 'met' : 'missed',
    });
    log(`gateway: ${JSON.stringify(results[results.length - 1])}`);
  } finally {
    await stopProcess(gateways.with);
    await stopProcess(gateways.without);
    await stopProcess(simulator);
    await stopProcess(sequencer);
  }
}

// ---------------------------------------------------------------------------------------------
// 3. A log of 1M events: bulk insert (INSERT … SELECT generate_series, 100k rows per statement) of
//    a realistic mix spread over 30 days, then the sequencer works off the backlog.

async function fillTo(fixture: Fixture, target: number): Promise<void> {
  const { db, tenants, endpointId, keys } = fixture;
  const existing = await eventCount(db);
  const missing = Math.max(0, target - existing);
  const historyStart = Date.now() - HISTORY_DAYS * DAY_MS;
  const stepMs = (HISTORY_DAYS * DAY_MS) / Math.max(1, missing);
  const chunk = 100_000;
  const insertStarted = performance.now();
  await withPg(db.superuserUrl, async (client) => {
    for (let from = 0; from < missing; from += chunk) {
      const to = Math.min(missing, from + chunk) - 1;
      await client.query(
        `insert into audit_events (tenant_id, occurred_at, request_id, actor, action, resource_type, resource_id, outcome, details,
           endpoint, model, data_classification, prompt_tokens, completion_tokens, latency_ms, http_status, policy_decision, prompt_hmac)
         select
           case when k.kind = 18 then null else ($1::uuid[])[(g % 3) + 1] end,
           to_timestamp(($2::float8 + g * $3::float8) / 1000),
           'bulk-' || g,
           case when k.kind = 18 then jsonb_build_object('subject', 'anonymous', 'sourceAddress', '203.0.113.' || (g % 250))
                when k.kind = 19 then jsonb_build_object('subject', 'user-' || (g % 12), 'username', 'analyst-' || (g % 12), 'roles', jsonb_build_array('platform-admin'), 'clientId', 'ai-commons-cli', 'authMethod', 'keycloak-user', 'sourceAddress', '10.1.0.' || (g % 250))
                else jsonb_build_object('subject', 'api-key:' || (g % 40), 'username', 'api-key:' || (g % 40), 'institutionId', ($1::uuid[])[(g % 3) + 1], 'roles', jsonb_build_array('tenant-member'), 'clientId', 'key-' || (g % 40), 'authMethod', 'api-key', 'sourceAddress', '10.0.' || (g % 7) || '.' || (g % 250)) end,
           case when k.kind <= 8 then 'gateway.request.admitted' when k.kind <= 16 then 'gateway.request.completed' when k.kind = 17 then 'gateway.request.rejected'
                when k.kind = 18 then 'authentication.failure' else 'institution.update' end,
           case when k.kind <= 17 then 'endpoint' when k.kind = 18 then 'gateway' else 'institution' end,
           case when k.kind <= 17 then $4::text when k.kind = 18 then '/v1/chat/completions' else (($1::uuid[])[(g % 3) + 1])::text end,
           case when k.kind in (17, 18) then 'denied' when k.kind between 9 and 16 and g % 50 = 0 then 'failure' else 'success' end,
           case when k.kind <= 8 then jsonb_build_object('operation', 'chat', 'estimatedTokens', 100 + g % 400)
                when k.kind <= 16 then jsonb_build_object('operation', 'chat', 'result', case when g % 50 = 0 then 'upstream_error' else 'success' end)
                when k.kind = 17 then jsonb_build_object('code', 'quota_exceeded', 'method', 'POST')
                when k.kind = 18 then jsonb_build_object('code', 'invalid_api_key', 'method', 'POST')
                else jsonb_build_object('before', jsonb_build_object('nameEn', 'old ' || g), 'after', jsonb_build_object('nameEn', 'new ' || g)) end,
           case when k.kind <= 17 then 'bench-model' end,
           case when k.kind <= 17 then 'bench-model' end,
           case when k.kind <= 17 then 'internal' end,
           case when k.kind between 9 and 16 then 50 + g % 700 end,
           case when k.kind between 9 and 16 then 16 + g % 300 end,
           case when k.kind between 9 and 16 then 60 + g % 900 end,
           case when k.kind between 9 and 16 then case when g % 50 = 0 then 502 else 200 end when k.kind in (17, 18) then case when k.kind = 17 then 429 else 401 end end,
           case when k.kind <= 8 then 'allow' when k.kind = 17 then 'deny:quota_exceeded' end,
           case when k.kind <= 8 then encode(sha256(('prompt ' || g)::bytea), 'hex') end
         from generate_series($5::bigint, $6::bigint) g
         cross join lateral (select (g % 20)::int as kind) k`,
        [tenants, historyStart, stepMs, endpointId, from, to],
      );
      log(`fill: ${to + 1} / ${missing}`);
    }
  });
  const insertS = (performance.now() - insertStarted) / 1000;

  // The sequencer works off the backlog, signing a head every 2 s as it goes.
  const leavesBefore = await sequencedSize(db);
  const started = performance.now();
  const sequencer = await startSequencerProcess(db, { AUDIT_SEQUENCER_INTERVAL_MS: '100', AUDIT_TREE_HEAD_INTERVAL_MS: '2000' });
  const total = await eventCount(db);
  await waitSequenced(db, total, sequencer);
  const sequenceS = (performance.now() - started) / 1000;
  await stopProcess(sequencer);
  // A final head covering everything (as the next pass would sign within AUDIT_TREE_HEAD_INTERVAL_MS).
  const finalPass = new AuditSequencer({
    connectionString: db.appUrl,
    signingKey: keys.signingKey,
    intervalMs: 100,
    treeHeadIntervalMs: 0,
    heartbeatMs: 3_600_000,
  });
  await finalPass.runOnce({ forceTreeHead: true });
  await finalPass.stop();
  const sequenced = total - leavesBefore;
  await withPg(db.superuserUrl, async (client) => {
    for (const table of ['audit_events', 'audit_leaves', 'audit_tree_nodes', 'audit_tree_heads']) await client.query(`vacuum analyze ${table}`);
  });
  notes.push(
    `Log of ${count(total)} events: ${count(missing)} generated by INSERT … SELECT generate_series in ${insertS.toFixed(1)} s ` +
      `(${count(missing / insertS)} rows/s with all indexes), then sequenced from a backlog of ${count(sequenced)} in ${sequenceS.toFixed(1)} s ` +
      `(${count(sequenced / sequenceS)} events/s: canonical JSON, leaf hash, Merkle nodes, 5,000 per transaction; tree heads signed on the way). ` +
      `Database size ${await withPg(db.superuserUrl, async (client) => (await client.query('select pg_size_pretty(pg_database_size(current_database())) as s')).rows[0].s)}.`,
  );
  log(`fill: ${notes[notes.length - 1]}`);
}

// ---------------------------------------------------------------------------------------------
// 4–6. Reads at 1M events through the service the GraphQL resolvers and the export use.

function member(tenantId: string): { principal: Principal; scope: TenantScope } {
  return {
    principal: {
      subject: 'bench-member',
      username: 'bench-member',
      roles: ['tenant-admin'],
      authMethod: 'keycloak-user',
      clientId: 'bench',
      institutionId: tenantId,
    },
    scope: { kind: 'tenant', tenantId },
  };
}
const REGULATOR: Principal = { subject: 'bench-regulator', username: 'regulator', roles: ['regulator'], authMethod: 'keycloak-user', clientId: 'bench' };

async function reads(fixture: Fixture): Promise<void> {
  const { db, tenants, keys } = fixture;
  const dataSource = await appDataSource(db);
  const sink = new DatabaseAuditSink();
  const service = new AuditLogService(new TenantScopes(new TenantDatabase(dataSource, sink)), keys, sink);
  const total = await sequencedSize(db);
  try {
    // Inclusion proofs: a member reading one of its events with its proof (GraphQL auditEvent).
    const own = member(tenants[0]!);
    const ids = await withPg(db.superuserUrl, async (client) =>
      (
        await client.query(
          `select e.id from audit_leaves l join audit_events e on e.id = l.event_id where l.leaf_index = any($1::bigint[]) and e.tenant_id = $2`,
          [Array.from({ length: OPTIONS.proofs * 4 }, () => Math.floor(Math.random() * total)), tenants[0]],
        )
      ).rows
        .map((row) => row.id as string)
        .slice(0, OPTIONS.proofs),
    );
    const inScope = <T>(principal: Principal, scope: TenantScope | undefined, work: () => Promise<T>) =>
      RequestContext.run({ requestId: `bench-${randomUUID()}`, principal, tenantScope: scope }, work);
    for (const id of ids.slice(0, 50)) await inScope(own.principal, own.scope, () => service.get(own.principal, id)); // warm-up
    const proofLatencies: number[] = [];
    for (const id of ids) {
      const t = performance.now();
      const found = await inScope(own.principal, own.scope, () => service.get(own.principal, id));
      proofLatencies.push(performance.now() - t);
      if (!found.inclusionProof) throw new Error(`no inclusion proof for ${id}`);
    }
    // The storage part alone: one query for the O(log n) stored hashes, then assembly.
    const storageLatencies = await withPg(db.appUrl, async (client) => {
      const latencies: number[] = [];
      for (let i = 0; i < OPTIONS.proofs; i++) {
        const leaf = Math.floor(Math.random() * total);
        const t = performance.now();
        const plan = inclusionProofPlan(leaf, total);
        assembleProof(plan, await fetchNodes(queryableOfPg(client), plan.nodes));
        latencies.push(performance.now() - t);
      }
      return latencies;
    });
    results.push({
      measure: `Inclusion proof of one event at ${count(total)} events (GraphQL auditEvent path: member's transaction, event, latest head, proof nodes)`,
      target: '≤ 10 ms',
      result: `p50 ${ms(median(proofLatencies))} ms, p95 ${ms(percentile(proofLatencies, 95))} ms, p99 ${ms(percentile(proofLatencies, 99))} ms`,
      detail: `${ids.length} random events; proof depth ${inclusionProofPlan(0, total).elements.length}; the stored-hash lookup alone (one query + assembly): p50 ${ms(median(storageLatencies))} ms, p99 ${ms(percentile(storageLatencies, 99))} ms`,
      verdict: percentile(proofLatencies, 95) <= 10 ? 'met' : 'missed',
    });
    log(`proofs: ${JSON.stringify(results[results.length - 1])}`);

    // Regulator queries: filtered, keyset-paginated, each in an audited cross-tenant transaction.
    const now = Date.now();
    const randomWindow = (days: number) => {
      const from = now - HISTORY_DAYS * DAY_MS + Math.random() * (HISTORY_DAYS - days) * DAY_MS;
      return { from: new Date(from), to: new Date(from + days * DAY_MS) };
    };
    const tenant = () => tenants[Math.floor(Math.random() * tenants.length)]!;
    const shapes: { name: string; filter: () => AuditEventFilter; pages: number }[] = [
      { name: 'institution, 1 day, 3 pages', filter: () => ({ institutionId: tenant(), ...randomWindow(1) }), pages: 3 },
      {
        name: 'institution + action, 7 days, 3 pages',
        filter: () => ({ institutionId: tenant(), action: 'gateway.request.completed', ...randomWindow(7) }),
        pages: 3,
      },
      { name: 'institution + outcome denied, 30 days', filter: () => ({ institutionId: tenant(), outcome: 'denied' }), pages: 2 },
      { name: 'actor, 7 days', filter: () => ({ actorSubject: `api-key:${Math.floor(Math.random() * 40)}`, ...randomWindow(7) }), pages: 2 },
      { name: 'action authentication.failure, all time, newest first', filter: () => ({ action: 'authentication.failure', newestFirst: true }), pages: 2 },
      { name: 'resource (institution), 30 days', filter: () => ({ resourceType: 'institution', resourceId: tenant() }), pages: 2 },
      { name: 'everything, newest first', filter: () => ({ newestFirst: true }), pages: 2 },
    ];
    const queryLatencies: number[] = [];
    const byShape: Row[] = [];
    for (const shape of shapes) {
      const latencies: number[] = [];
      for (let i = 0; i < OPTIONS.queries + 5; i++) {
        const filter = shape.filter();
        let after: unknown[] | undefined;
        for (let page = 0; page < shape.pages; page++) {
          const t = performance.now();
          const result = await inScope(REGULATOR, undefined, () => service.list(REGULATOR, filter, 50, after));
          if (i >= 5) latencies.push(performance.now() - t); // the first 5 warm up
          const last = result.rows[Math.min(result.rows.length, 50) - 1];
          if (result.rows.length <= 50 || !last) break;
          after = [last.cursorTimestamp, last.id];
        }
      }
      queryLatencies.push(...latencies);
      byShape.push({
        shape: shape.name,
        queries: latencies.length,
        p50: ms(median(latencies)),
        p95: ms(percentile(latencies, 95)),
        p99: ms(percentile(latencies, 99)),
      });
    }
    results.push({
      measure: `Regulator's filtered, paginated query at ${count(total)} events (pages of 50, audited cross-tenant read)`,
      target: 'p95 ≤ 50 ms',
      result: `p95 ${ms(percentile(queryLatencies, 95))} ms (p50 ${ms(median(queryLatencies))} ms, p99 ${ms(percentile(queryLatencies, 99))} ms)`,
      detail: `${queryLatencies.length} page requests over ${shapes.length} query shapes (table below)`,
      verdict: percentile(queryLatencies, 95) <= 50 ? 'met' : 'missed',
    });
    queryShapes.push(...byShape);
    log(`queries: ${JSON.stringify(results[results.length - 1])}`);

    // Export bundles and the offline verifier.
    const work = await mkdtemp(path.join(os.tmpdir(), 'audit-bench-'));
    try {
      const publicKey = path.join(work, 'public-key.pem');
      await writeFile(publicKey, keys.publicKeyPem);
      const period = { from: new Date(0), to: new Date(now + DAY_MS) };
      for (const [label, institutionId] of [
        ['full (all institutions)', null],
        ['one institution (filtered)', tenants[0]!],
      ] as const) {
        const directory = path.join(work, institutionId ? 'filtered' : 'full');
        const t = performance.now();
        const { manifest } = await inScope(REGULATOR, undefined, () => service.export(REGULATOR, { institutionId, ...period }, directory));
        const exportS = (performance.now() - t) / 1000;
        const size = (await stat(path.join(directory, 'events.jsonl'))).size;
        const outcome = await timeVerifier(directory, publicKey);
        const verifyS = outcome.report.durationMs / 1000;
        const rate = manifest.eventCount / verifyS;
        results.push({
          measure: `Offline verifier on a ${label} bundle of ${count(manifest.eventCount)} events`,
          target: institutionId ? '—' : '≥ 100,000 events/s',
          result: `${count(rate)} events/s (${verifyS.toFixed(2)} s${outcome.code === 0 ? ', VERIFIED' : `, exit ${outcome.code}`})`,
          detail: `${(size / 1048576).toFixed(0)} MiB events.jsonl, ${manifest.treeHeadCount} tree heads; CLI wall time incl. reading ${outcome.wallS.toFixed(2)} s, CPU time ${outcome.cpuS.toFixed(2)} s (${count(manifest.eventCount / outcome.cpuS)} events per CPU-second); export from PostgreSQL took ${exportS.toFixed(1)} s (${count(manifest.eventCount / exportS)} events/s)`,
          verdict: outcome.code !== 0 ? 'FAILED' : institutionId ? '—' : rate >= 100_000 ? 'met' : 'missed',
        });
        log(`verify: ${JSON.stringify(results[results.length - 1])}`);
        await rm(directory, { recursive: true, force: true });
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    await dataSource.destroy();
  }
}
const queryShapes: Row[] = [];

// ---------------------------------------------------------------------------------------------

function table(rows: Row[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg()[0]!;
  log(`creating database ${DATABASE_NAME}`);
  const db = await createTestDatabase(ADMIN_URL, DATABASE_NAME);
  try {
    const fixture: Fixture = { db, keys: AuditKeys.fromConfig({ AI_COMMONS_PROFILE: 'demo' }), ...(await seed(db)) };
    await appendRate(fixture);
    if (!OPTIONS.skipGateway) await gatewayLatency(fixture);
    await fillTo(fixture, OPTIONS.events);
    await reads(fixture);
  } finally {
    log(`dropping database ${DATABASE_NAME}`);
    await dropTestDatabase(ADMIN_URL, DATABASE_NAME);
  }
  const cpu = os.cpus();
  const markdown = [
    '# Audit log benchmark',
    '',
    `- Date: ${startedAt.toISOString()} (${((Date.now() - startedAt.getTime()) / 60000).toFixed(1)} min)`,
    `- Command: \`node -r ./tools/register-ts.cjs test/bench/audit/audit-bench.ts${argv.length ? ` ${argv.join(' ')}` : ''}\``,
    `- Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}; Node ${process.version}; ` +
      `PostgreSQL ${await withPg(ADMIN_URL, async (client) => (await client.query('show server_version')).rows[0].server_version)} on the same machine`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0]!.toFixed(2)} on ${cpu.length} cores (other jobs share the machine).`,
    ...notes.map((note) => `- ${note}`),
    '',
    table(results),
    '',
    '### Regulator query shapes',
    '',
    table(queryShapes),
    '',
  ].join('\n');
  await writeFile(OPTIONS.out, markdown);
  log(`wrote ${OPTIONS.out}`);
  process.stdout.write(`\n${markdown}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`audit benchmark failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
