#!/usr/bin/env node
// The durable-commit floor under the gateway's latency (issue 18): what one PostgreSQL commit costs
// on this machine, with no gateway at all. pgbench (PostgreSQL's own load driver) sends, at the
// benchmark's fixed rate, (1) a one-row insert into a table with only a primary key and (2) the
// gateway's admission record as it is written — one row into `audit_events` with its indexes,
// row-level security and constraints, as the application role in the system scope — each with
// synchronous_commit on (the WAL fsync'd before the commit returns: the gateway's guarantee) and off
// (the same work without waiting for the disk). Then pg_test_fsync, PostgreSQL's fsync probe, on the
// data directory's disk. The answer of a request waits for its admission record's commit, so with a
// model that answers at once the gateway's median overhead cannot be lower than this commit.
//
//   node test/bench/gateway/commit-floor.mjs [--rate 200] [--seconds 15] [--out test/bench/gateway/commit-floor.md]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_URL, createBenchDatabase, snapshotDist, dropBenchDatabase, log, withPg } from './bench-setup.mjs';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'commit-floor.md') },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const DATABASE_NAME = `ai_commons_bench_commit_floor_${process.pid}`;

const binDir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
const pgbench = path.join(binDir, 'pgbench');
const pgTestFsync = path.join(binDir, 'pg_test_fsync');

// A gateway admission record of the benchmark's request, as the audit writer inserts it (JSON built with
// jsonb_build_object: pgbench would read a ':' inside a string literal as a variable).
const ADMISSION_SQL = `insert into audit_events (id, tenant_id, occurred_at, request_id, actor, action, resource_type, resource_id,
  outcome, details, endpoint, model, data_classification, prompt_tokens, policy_decision, prompt_hmac)
values (gen_random_uuid(), '0b6f3c1e-5a43-4c59-9d6e-2f1b8f0c7a11', now(), 'req-' || :n::text,
  jsonb_build_object('kind', 'api-key', 'subject', 'key/4d1f0a9e-27c1-4b5e-8d0f-61a2c3b4d5e6',
    'tenantId', '0b6f3c1e-5a43-4c59-9d6e-2f1b8f0c7a11', 'apiKeyId', '4d1f0a9e-27c1-4b5e-8d0f-61a2c3b4d5e6'),
  'gateway.request.admitted', 'endpoint', 'a3c9e2b7-1f04-4d8e-9b6a-5c7d8e9f0a1b', 'success',
  jsonb_build_object('operation', 'chat.completions', 'estimatedTokens', 32, 'useCaseId', '6e2d9c1a-3b5f-4a7e-8c0d-9f1e2a3b4c5d',
    'useCaseDecision', 'allow', 'recovery', jsonb_build_object('callId', 'c-' || :n::text, 'gatewayInstanceId', 'gw-bench-1',
    'estimatedPromptTokens', 16, 'stream', false)),
  'bench-endpoint', 'bench-model', 'internal', 16, 'allow', md5(:n::text) || md5((:n::bigint + 1)::text));`;
const ONE_ROW_SQL = `insert into commit_floor_probe (payload) values (md5(:n::text));`;

const cases = [
  { name: 'one-row insert (primary key only)', script: ONE_ROW_SQL, synchronous: 'on' },
  { name: 'one-row insert (primary key only)', script: ONE_ROW_SQL, synchronous: 'off' },
  { name: 'gateway admission record (`audit_events`, 7 indexes, RLS)', script: ADMISSION_SQL, synchronous: 'on' },
  { name: 'gateway admission record (`audit_events`, 7 indexes, RLS)', script: ADMISSION_SQL, synchronous: 'off' },
];

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** One pgbench run at RATE/s over 4 connections; per-transaction latencies (ms) from its log. */
function runPgbench(database, script, synchronous) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'commit-floor-'));
  try {
    writeFileSync(path.join(dir, 'script.sql'), `\\set n random(1, 1000000000)\n${script}\n`);
    const result = spawnSync(
      pgbench,
      [
        '-n',
        '-M',
        'prepared',
        '-c',
        '4',
        '-j',
        '1',
        '-R',
        String(RATE),
        '-T',
        String(SECONDS),
        '-l',
        '--log-prefix',
        path.join(dir, 'tx'),
        '-f',
        path.join(dir, 'script.sql'),
        database.appUrl,
      ],
      // The application role in the platform's system scope, as the audit writer's connections are.
      { encoding: 'utf8', env: { ...process.env, PGOPTIONS: `-c app.cross_tenant=system -c jit=off -c synchronous_commit=${synchronous}` } },
    );
    if (result.status !== 0) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`);
    const latencies = [];
    let lagged = 0;
    for (const file of readdirSync(dir).filter((name) => name.startsWith('tx'))) {
      for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        // client transaction_no latency_us script_no epoch_s epoch_us schedule_lag_us
        const fields = line.trim().split(/\s+/);
        if (fields.length < 7) continue;
        latencies.push(Number(fields[2]) / 1000);
        if (Number(fields[6]) > 1000) lagged++;
      }
    }
    latencies.sort((a, b) => a - b);
    return {
      count: latencies.length,
      lagged,
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** pg_test_fsync on the data directory's file system: operations per second, as it prints them. */
function fsyncProbe(dataDirectory) {
  const file = path.join(dataDirectory, `commit_floor_${process.pid}.tmp`);
  const result = spawnSync(pgTestFsync, ['-s', '2', '-f', file], { encoding: 'utf8' });
  rmSync(file, { force: true });
  if (result.status !== 0) return { error: (result.stderr || result.stdout).trim().split('\n').at(-1) };
  const rows = [];
  let section = '';
  for (const line of result.stdout.split('\n')) {
    if (/^Compare|^Non-sync/.test(line.trim())) section = line.trim().replace(/:$/, '');
    const match =
      /^\s+(open_datasync|fdatasync|fsync|fsync_writethrough|open_sync|write, fsync, close|write, close, fsync)\s+([\d.]+) ops\/sec\s+(\d+) usecs\/op/.exec(
        line,
      );
    if (match && section.startsWith('Compare file sync methods using one')) rows.push({ method: match[1], usecs: Number(match[3]) });
    if (match && section.startsWith('Compare file sync methods using two')) rows.push({ method: `${match[1]} (two 8 kB writes)`, usecs: Number(match[3]) });
  }
  return { rows };
}

const ms = (value) => value.toFixed(2);

async function main() {
  const dist = snapshotDist();
  log(`creating database ${DATABASE_NAME}`);
  const database = await createBenchDatabase(dist, DATABASE_NAME);
  try {
    await withPg(database.superuserUrl, async (client) => {
      await client.query('create table commit_floor_probe (id bigint generated always as identity primary key, payload text not null)');
      await client.query('grant insert on commit_floor_probe to ai_commons_app');
    });
    const settings = await withPg(ADMIN_URL, async (client) => {
      const show = async (name) => (await client.query(`select current_setting('${name}') as value`)).rows[0].value;
      return { dataDirectory: await show('data_directory'), walSyncMethod: await show('wal_sync_method'), version: await show('server_version') };
    });
    const rows = [];
    for (const test of cases) {
      log(`${test.name}, synchronous_commit=${test.synchronous}: ${RATE}/s for ${SECONDS} s`);
      const result = runPgbench(database, test.script, test.synchronous);
      log(`  p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms (${result.count} commits)`);
      rows.push({ ...test, ...result });
    }
    log('pg_test_fsync on the data directory');
    const fsync = fsyncProbe(settings.dataDirectory);
    const load = os
      .loadavg()
      .map((value) => value.toFixed(2))
      .join(' / ');
    const lines = [
      '# The durable-commit floor (issue 18)',
      '',
      'Generated by `test/bench/gateway/commit-floor.mjs` — what one PostgreSQL commit costs on this machine with no',
      "gateway at all. The gateway answers a request only once its admission record's commit is durable (the WAL",
      "fsync'd), overlapping that commit with the upstream call: against a model that answers at once, the gateway's",
      'latency overhead cannot be lower than the commit.',
      '',
      '```sh',
      `node test/bench/gateway/commit-floor.mjs --rate ${RATE} --seconds ${SECONDS}`,
      '```',
      '',
      '| | |',
      '|---|---|',
      `| Date | ${new Date().toISOString()} |`,
      `| Machine | ${os.cpus().length} CPUs, ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load ${load} (1/5/15 min) at the end |`,
      `| PostgreSQL | ${settings.version}, wal_sync_method ${settings.walSyncMethod}, data directory ${settings.dataDirectory} |`,
      `| Driver | pgbench, ${RATE} commits/s (\`-R\`) over 4 connections for ${SECONDS} s, prepared statements (as the audit writer's named statement); latency of each transaction from its log (\`-l\`), nearest-rank percentiles; as the application role in the system scope (RLS applies) |`,
      '',
      '| Statement | synchronous_commit | commits | p50 ms | p90 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.synchronous} | ${r.count} | ${ms(r.p50)} | ${ms(r.p90)} | ${ms(r.p99)} | ${ms(r.max)} |`),
      '',
      "`on` is the gateway's guarantee (the admission record survives a crash of PostgreSQL); `off` is the same",
      'statement without waiting for the disk — the difference is the WAL flush.',
      '',
      '## pg_test_fsync on the same disk (`-s 2`)',
      '',
      ...(fsync.error
        ? [`Not run: ${fsync.error}`]
        : ['| Sync method (one 8 kB write unless said) | µs per operation |', '|---|---|', ...fsync.rows.map((r) => `| ${r.method} | ${r.usecs} |`)]),
      '',
    ];
    writeFileSync(args.out, lines.join('\n'));
    log(`wrote ${path.relative(process.cwd(), args.out)}`);
  } finally {
    await dropBenchDatabase(DATABASE_NAME).catch((error) => log(`could not drop ${DATABASE_NAME}: ${error.message}`));
    rmSync(dist, { recursive: true, force: true });
  }
}

await main();
