// Replicas benchmark (issue 17): one endpoint's model served by 4 simulated replicas with a prefix
// cache, a workload of 20 system prompts × many questions, driven through the ai-commons gateway
// once per load balancing mode — round-robin, least-outstanding, prefix affinity — side by side in
// one run: time to first token (p50/p99), throughput and prefix cache hit rate. Then the gateway's
// cost of balancing: a micro-benchmark of one replica pick (and of hashing a prompt prefix).
// Writes replicas-results.md (and raw/replicas-<stamp>.json) here.
//
//   node test/bench/gateway/replicas-bench.mjs [--questions 20] [--concurrency 16] [--ttft-ms 200]
//        [--cached-ttft-ms 30] [--inter-token-ms 10] [--output-tokens 16] [--cache-entries 6]
//        [--picks 200000] [--note "…"] [--out test/bench/gateway/replicas-results.md]
//
// Runs the TypeScript sources (tools/register-ts.cjs), no build needed. Needs PostgreSQL
// (BENCH_POSTGRES_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '../../..');
const here = import.meta.dirname;
const require = createRequire(import.meta.url);
require(path.join(root, 'tools/register-ts.cjs'));
const { Client: PgClient } = require('pg');

const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1] : fallback;
};
const OPTIONS = {
  prompts: 20,
  questions: Number(option('questions', 20)),
  concurrency: Number(option('concurrency', 16)),
  replicas: 4,
  ttftMs: Number(option('ttft-ms', 200)),
  cachedTtftMs: Number(option('cached-ttft-ms', 30)),
  interTokenMs: Number(option('inter-token-ms', 10)),
  outputTokens: Number(option('output-tokens', 16)),
  cacheEntries: Number(option('cache-entries', 6)),
  picks: Number(option('picks', 200_000)),
  note: option('note', ''),
  out: path.resolve(option('out', path.join(here, 'replicas-results.md'))),
};
const ADMIN_URL = process.env.BENCH_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE_NAME = 'ai_commons_bench_replicas';
const MODEL = 'bench-replica-model';
const MODES = ['round-robin', 'least-outstanding', 'prefix-affinity'];
const log = (message) => process.stderr.write(`[replicas-bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// Child processes (simulators and the gateway run from their TypeScript sources)

const children = new Set();
function startTs(name, entry, args, env) {
  const child = spawn(process.execPath, ['-r', path.join(root, 'tools/register-ts.cjs'), path.join(root, entry), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const record = { name, child, output: '', exited: false };
  const keep = (chunk) => (record.output = (record.output + chunk.toString()).slice(-8192));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  record.exit = new Promise((resolve) => child.once('exit', () => ((record.exited = true), children.delete(record), resolve())));
  children.add(record);
  return record;
}
async function stopAll() {
  for (const record of children) record.child.kill('SIGTERM');
  await Promise.race([Promise.all([...children].map((record) => record.exit)), sleep(10_000)]);
  for (const record of children) record.child.kill('SIGKILL');
}
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll().then(() => process.exit(130)));

async function waitFor(what, record, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (record.exited) throw new Error(`${record.name} exited while waiting for ${what}:\n${record.output}`);
    const value = await Promise.resolve()
      .then(check)
      .catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${record.output}`);
    await sleep(100);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function withPg(url, work) {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function startSimulator() {
  const record = startTs(
    'model-simulator',
    'apps/model-simulator/src/main.ts',
    [
      ...['--port', '0', '--models', MODEL, '--ttft-ms', String(OPTIONS.ttftMs), '--cached-ttft-ms', String(OPTIONS.cachedTtftMs)],
      ...['--inter-token-ms', String(OPTIONS.interTokenMs), '--output-tokens', String(OPTIONS.outputTokens)],
      ...['--prefix-cache-entries', String(OPTIONS.cacheEntries)],
    ],
    { NODE_ENV: 'production' },
  );
  const url = await waitFor('a simulator to listen', record, () => /"url":"([^"]+)"/.exec(record.output)?.[1]);
  return { record, url, stats: async () => (await fetch(`${url}/_sim/stats`)).json() };
}

/** One institution (use cases reported only), one endpoint per load balancing mode over the same replicas, one API key. */
async function seed(database, replicaUrls) {
  const apiKey = `aic_${randomBytes(32).toString('base64url')}`;
  await withPg(database.superuserUrl, async (client) => {
    const tenant = (
      await client.query(
        `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw, use_case_enforcement)
         values ('bench-bank', '벤치은행', 'Bench Bank', 'bank', 1000000000, 'report-only') returning id`,
      )
    ).rows[0].id;
    const model = (
      await client.query(
        `insert into models (name, family, kind, provider, licence, context_window) values ($1, 'bench', 'open', 'replicas benchmark', 'test', 32768) returning id`,
        [MODEL],
      )
    ).rows[0].id;
    const offering = (
      await client.query(
        `insert into model_offerings (model_id, hosting, region, network_zone, operator) values ($1, 'shared-infrastructure', 'KR', 'internal', 'bench') returning id`,
        [model],
      )
    ).rows[0].id;
    for (const mode of MODES) {
      const endpoint = (
        await client.query(
          `insert into endpoints (tenant_id, name, offering_id, isolation_mode, driver, upstream_model, state, load_balancing, max_request_bytes)
           values ($1, $2, $3, 'shared-pool', 'openai-compatible', $4, 'active', $5, 4194304) returning id`,
          [tenant, `bench-${mode}`, offering, MODEL, mode],
        )
      ).rows[0].id;
      await client.query(`insert into endpoint_targets (tenant_id, endpoint_id, url) select $1, $2, unnest($3::text[])`, [tenant, endpoint, replicaUrls]);
    }
    await client.query(`insert into api_keys (tenant_id, name, key_prefix, secret_hash, created_by) values ($1, 'bench', $2, $3, 'replicas-bench')`, [
      tenant,
      apiKey.slice(0, 12),
      createHash('sha256').update(apiKey).digest(),
    ]);
  });
  return apiKey;
}

async function startGateway(database) {
  const port = await freePort();
  const record = startTs('gateway', 'apps/gateway/src/main.ts', [], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.ownerUrl,
    DATABASE_APP_URL: database.appUrl,
    MIGRATE_ON_START: 'false',
    CREDENTIAL_KEK: randomBytes(32).toString('base64'),
    AUDIT_SIGNING_KEY: randomBytes(32).toString('base64'),
    AUDIT_CONTENT_HMAC_SECRET: randomBytes(32).toString('base64'),
    AUDIT_SEQUENCER_ENABLED: 'false',
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_PORT: String(port),
    GATEWAY_METRICS_PORT: '0',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the gateway to be ready', record, async () => (await fetch(`${url}/health/ready`)).ok, 120_000);
  return { record, url };
}

// ---------------------------------------------------------------------------------------------
// The workload

/** A deterministic shuffle (mulberry32), so every mode gets the same order. */
function shuffled(items, seed) {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** 20 system prompts (~2 KB each, distinct per mode so no mode inherits another's cache) × questions. */
function workload(tag, questions) {
  const requests = [];
  for (let p = 0; p < OPTIONS.prompts; p++) {
    const system = `[${tag}] You are assistant ${p} of a member bank; answer within policy ${p}. `.repeat(28);
    for (let q = 0; q < questions; q++) requests.push({ system, question: `Question ${q} about product ${p}?` });
  }
  return shuffled(requests, 17);
}

/** One streamed chat completion; resolves with the time to its first content chunk (ms). */
async function ask(gatewayUrl, apiKey, model, { system, question }) {
  const started = performance.now();
  const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      stream: true,
      messages: [
        { role: 'system', content: system },
        { role: 'user', content: question },
      ],
    }),
  });
  if (response.status !== 200) throw new Error(`${model}: HTTP ${response.status} ${await response.text()}`);
  let ttft;
  const decoder = new TextDecoder();
  for await (const chunk of response.body) {
    if (ttft === undefined && decoder.decode(chunk, { stream: true }).includes('"content"')) ttft = performance.now() - started;
  }
  return ttft ?? performance.now() - started;
}

async function runMode(gatewayUrl, apiKey, mode, simulators, { tag = mode, questions = OPTIONS.questions } = {}) {
  const before = await Promise.all(simulators.map((s) => s.stats()));
  const queue = workload(tag, questions);
  const ttfts = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: OPTIONS.concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) ttfts.push(await ask(gatewayUrl, apiKey, `bench-${mode}`, next));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const after = await Promise.all(simulators.map((s) => s.stats()));
  const delta = after.map((stats, i) => ({
    served: stats.served.total - before[i].served.total,
    hits: stats.prefixCache.hits - before[i].prefixCache.hits,
    misses: stats.prefixCache.misses - before[i].prefixCache.misses,
  }));
  const hits = delta.reduce((sum, d) => sum + d.hits, 0);
  const lookups = hits + delta.reduce((sum, d) => sum + d.misses, 0);
  return {
    mode,
    requests: ttfts.length,
    ttftP50: percentile(ttfts, 50),
    ttftP99: percentile(ttfts, 99),
    throughput: ttfts.length / seconds,
    hitRate: lookups ? hits / lookups : 0,
    perReplica: delta.map((d) => d.served),
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

// ---------------------------------------------------------------------------------------------
// The cost of balancing: one pick (and settle) of a replica, in process

function pickCost() {
  const { Replicas } = require(path.join(root, 'libs/shell/gateway-server/src/upstream/replicas.ts'));
  const { promptPrefixKey } = require(path.join(root, 'libs/shell/gateway-server/src/upstream/prompt-prefix.ts'));
  const replicas = new Replicas({ failureThreshold: 5, cooldownMs: 10_000, affinityMaxExcess: 8 });
  const endpoint = (mode) => ({
    id: `e-${mode}`,
    loadBalancing: mode,
    targets: Array.from({ length: 4 }, (_, i) => ({ id: `${mode}-r${i}`, url: new URL(`http://10.0.0.${i}:8000`), weight: 1 })),
  });
  const body = (p) => ({
    messages: [
      { role: 'system', content: `You are assistant ${p} of a member bank; answer within policy ${p}. `.repeat(28) },
      { role: 'user', content: 'A question?' },
    ],
  });
  const bodies = Array.from({ length: 20 }, (_, p) => body(p));
  const measure = (label, pickOnce) => {
    const samples = new Float64Array(OPTIONS.picks);
    for (let i = 0; i < 20_000; i++) pickOnce(i); // warm-up (JIT)
    for (let i = 0; i < OPTIONS.picks; i++) {
      const start = process.hrtime.bigint();
      pickOnce(i);
      samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
    }
    return { label, p50: percentile(samples, 50), p99: percentile(samples, 99) };
  };
  const held = [];
  const churn = (lease) => {
    // Keeps ~8 requests in flight, as under load: the pick sees uneven outstanding counts.
    held.push(lease);
    if (held.length > 8) held.shift().settle('success');
  };
  const results = [];
  for (const mode of ['round-robin', 'least-outstanding']) {
    const ep = endpoint(mode);
    results.push(measure(`pick, ${mode}`, () => churn(replicas.pick(ep, Date.now()))));
  }
  const affinity = endpoint('prefix-affinity');
  const keys = bodies.map((b) => promptPrefixKey('chat', b));
  results.push(measure('pick, prefix-affinity (key known)', (i) => churn(replicas.pick(affinity, Date.now(), keys[i % 20]))));
  results.push(measure('prefix key of a ~2 KB system prompt', (i) => promptPrefixKey('chat', bodies[i % 20])));
  results.push(measure('prefix key + pick, prefix-affinity', (i) => churn(replicas.pick(affinity, Date.now(), promptPrefixKey('chat', bodies[i % 20])))));
  while (held.length) held.shift().settle('success');
  return results;
}

// ---------------------------------------------------------------------------------------------

function report(run) {
  const f = (value, digits = 1) => value.toFixed(digits);
  const lines = [
    '# Replicas benchmark: load balancing over 4 simulated replicas with a prefix cache',
    '',
    `Run ${run.at} on ${run.machine} (load average ${run.loadAverage.map((l) => l.toFixed(2)).join(', ')} at the start).` +
      (run.note ? ` **${run.note}**` : ''),
    '',
    'Rerun: `node test/bench/gateway/replicas-bench.mjs` (options at the top of the script).',
    '',
    `Workload: ${OPTIONS.prompts} system prompts (~2 KB each) × ${OPTIONS.questions} questions, shuffled (same order for every mode), ` +
      `${OPTIONS.concurrency} concurrent streamed chat completions through the gateway. Each replica (the model simulator) answers in ` +
      `${OPTIONS.ttftMs} ms to first token, ${OPTIONS.cachedTtftMs} ms when the prompt's prefix (the messages before the last) is among the last ` +
      `${OPTIONS.cacheEntries} it saw, then ${OPTIONS.outputTokens} tokens ${OPTIONS.interTokenMs} ms apart. The three endpoints share the same ` +
      '4 replicas and run one after another; each mode has its own system prompts, so none starts with another mode’s cache.',
    '',
    '| load balancing | requests | TTFT p50 (ms) | TTFT p99 (ms) | throughput (req/s) | prefix cache hit rate | requests per replica |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...run.modes.map(
      (m) => `| ${m.mode} | ${m.requests} | ${f(m.ttftP50)} | ${f(m.ttftP99)} | ${f(m.throughput)} | ${f(m.hitRate * 100)} % | ${m.perReplica.join(' / ')} |`,
    ),
    '',
    `## Cost of balancing (in process, ${OPTIONS.picks} samples each, 4 replicas, ~8 requests in flight)`,
    '',
    'Goal: a pick ≤ 0.02 ms p50. Each sample is timed alone with `process.hrtime.bigint()`, whose own cost is included.',
    '',
    '| operation | p50 (ms) | p99 (ms) |',
    '| --- | ---: | ---: |',
    ...run.pickCost.map((c) => `| ${c.label} | ${f(c.p50, 4)} | ${f(c.p99, 4)} |`),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  const { createTestDatabase } = require(path.join(root, 'libs/platform/testing/src/test-postgres.ts'));
  const run = {
    at: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`,
    loadAverage: os.loadavg(),
    note: OPTIONS.note,
    options: OPTIONS,
  };
  log('cost of balancing (in process, before anything else runs)');
  run.pickCost = pickCost();
  log('database');
  const database = await createTestDatabase(ADMIN_URL, DATABASE_NAME);
  try {
    log('4 simulated replicas');
    const simulators = await Promise.all(Array.from({ length: OPTIONS.replicas }, startSimulator));
    const apiKey = await seed(
      database,
      simulators.map((s) => s.url),
    );
    log('gateway');
    const gateway = await startGateway(database);
    // A short warm-up of the gateway (JIT, connection pools), with prompts of its own.
    await runMode(gateway.url, apiKey, 'least-outstanding', simulators, { tag: 'warm-up', questions: 2 });
    run.modes = [];
    for (const mode of MODES) {
      log(`mode ${mode}`);
      run.modes.push(await runMode(gateway.url, apiKey, mode, simulators));
    }
  } finally {
    await stopAll();
    await withPg(ADMIN_URL, (client) => client.query(`drop database if exists "${DATABASE_NAME}" with (force)`)).catch(() => undefined);
  }
  mkdirSync(path.join(here, 'raw'), { recursive: true });
  writeFileSync(path.join(here, 'raw', `replicas-${run.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(run, null, 2));
  writeFileSync(OPTIONS.out, report(run));
  process.stdout.write(report(run));
}

main().catch(async (error) => {
  log(error.stack ?? String(error));
  await stopAll();
  process.exit(1);
});
