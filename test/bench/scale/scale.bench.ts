/**
 * Months of data: the usage report for one month and the regulator's audit query at 1 M, 3 M and
 * 10 M usage records and audit events, 50 institutions (target p95 < 50 ms).
 *
 *   node -r ./tools/register-ts.cjs test/bench/scale/scale.bench.ts [--steps 1,3,10] [--keep] [--usage-only]
 *
 * The usage report is measured through UsageReportService itself (roll-up for whole days, records
 * for partial ones), beside the report read from the records alone as it was before the roll-up.
 * `--usage-only` generates and measures usage records only (no audit events, no audit queries).
 *
 * Creates its own database (local PostgreSQL at 127.0.0.1:5432, every migration applied, so
 * usage_records is partitioned by month), generates rows in bulk with `generate_series` as the
 * superuser (not through the API: the sequencer is not run, so audit events have no leaves and no
 * hash chain — the measured queries do not read them), `analyze`s, then runs each query as the
 * application role inside the same transaction settings the services use (RLS on), and writes
 * results.md in this folder after every step.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, TEST_APP_PASSWORD, withPg } from '@ai-commons/testing';
import { APP_ROLE, createAppDataSource, TenantDatabase, TenantScopes, urlForRole } from '@ai-commons/database';
import { RequestContext, type Principal } from '@ai-commons/core';
import { UsageReportService } from '@ai-commons/quota';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INSTITUTIONS = 50;
/** The data spans this many months, ending now: a month holds 1/MONTHS of the rows. */
const MONTHS = 12;
const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1] ?? 40) || 40;
const CHUNK = 500_000;
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
};
const USAGE_ONLY = process.argv.includes('--usage-only');
const STEPS = (argument('--steps') ?? '1,3,10').split(',').map((millions) => Math.round(Number(millions) * 1_000_000));
const KST = 'Asia/Seoul';

/** The usage report as it was before the usage_daily roll-up: grouped from the records (pool filter absent). */
const USAGE_REPORT = `select u.tenant_id, u.model, to_char(u.occurred_at at time zone '${KST}', 'YYYY-MM-DD') as day,
        count(*)::int as requests, count(*) filter (where u.outcome = 'success')::int as successful,
        coalesce(sum(u.prompt_tokens), 0)::float8 as prompt_tokens, coalesce(sum(u.completion_tokens), 0)::float8 as completion_tokens
   from usage_records u
  where u.occurred_at >= $1 and u.occurred_at < $2
    and ($3::uuid is null or exists (select 1 from quota_pool_endpoints pe where pe.pool_id = $3 and pe.endpoint_id = u.endpoint_id))
  group by 1, 2, 3 order by 3, 1, 2`;
/** The same with the institution named in the WHERE clause (not only by RLS): the (tenant_id, occurred_at) index applies. */
const USAGE_REPORT_FOR_TENANT = USAGE_REPORT.replace('where u.occurred_at >= $1', 'where u.tenant_id = $4 and u.occurred_at >= $1');

/** The first page of AuditLogService.list for a regulator: one institution, one month, newest first. */
const AUDIT_COLUMNS = `e.id, to_char(e.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as ts, e.tenant_id, e.request_id, e.actor,
  e.action, e.resource_type, e.resource_id, e.outcome, e.details, e.endpoint, e.model, e.data_classification,
  e.prompt_tokens, e.completion_tokens, e.latency_ms, e.http_status, e.policy_decision, e.prompt_hmac, e.response_hmac`;
const AUDIT_BY_INSTITUTION = `select ${AUDIT_COLUMNS}, l.leaf_index from audit_events e left join audit_leaves l on l.event_id = e.id
  where e.tenant_id = $1::uuid and e.occurred_at >= $2 and e.occurred_at < $3
  order by e.occurred_at desc, e.id desc limit $4`;
const AUDIT_BY_ACTION = `select ${AUDIT_COLUMNS}, l.leaf_index from audit_events e left join audit_leaves l on l.event_id = e.id
  where e.action = $1 and e.occurred_at >= $2 and e.occurred_at < $3
  order by e.occurred_at desc, e.id desc limit $4`;
const AUDIT_SETTINGS = `select set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true),
  set_config('max_parallel_workers_per_gather', '0', true)`;

interface Measure {
  step: number;
  name: string;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

interface Size {
  step: number;
  usageBytes: number;
  dailyBytes: number;
  dailyRows: number;
  auditBytes: number;
  usagePartitions: number;
  generateSeconds: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const SIZES_SQL = `select (select sum(pg_total_relation_size(inhrelid)) from pg_inherits where inhparent = 'usage_records'::regclass)::float8 as "usageBytes",
    pg_total_relation_size('usage_daily')::float8 as "dailyBytes", (select count(*) from usage_daily)::float8 as "dailyRows",
    pg_total_relation_size('audit_events')::float8 as "auditBytes",
    (select count(*) from pg_inherits where inhparent = 'usage_records'::regclass)::int as "usagePartitions"`;

/** The app role's connections: a plain client for the copied queries, and the usage report service on its own pool. */
async function appSide(appUrl: string): Promise<{ app: Client; reports: UsageReportService; close: () => Promise<void> }> {
  const app = new Client({ connectionString: appUrl });
  // Dropping the database at the end (or after a failure) ends this idle connection: not an error worth a crash.
  app.on('error', () => undefined);
  await app.connect();
  const dataSource = await createAppDataSource({
    url: appUrl,
    entities: [],
    poolSize: 2,
    statementTimeoutMs: 120_000,
    applicationName: 'scale-bench',
  }).initialize();
  // No audit sink: the regulator's cross-tenant read is measured without its access audit event.
  const reports = new UsageReportService(new TenantScopes(new TenantDatabase(dataSource)));
  return { app, reports, close: async () => (await app.end(), await dataSource.destroy()) };
}

/** `--reuse <database> --label <name>`: measure a database kept by `--keep` again (e.g. after adding an index), into results-<label>.md. */
async function remeasure(name: string, label: string): Promise<void> {
  const superuser = new URL(ADMIN_URL);
  superuser.pathname = `/${name}`;
  const superuserUrl = superuser.toString();
  const tenants = await withPg(superuserUrl, async (pg) => (await pg.query(`select id from institutions order by slug`)).rows.map((row) => row.id as string));
  const [size] = await withPg(
    superuserUrl,
    async (pg) => (await pg.query(`select (select count(*) from usage_records)::float8 as rows, s.* from (${SIZES_SQL}) s`)).rows,
  );
  const side = await appSide(urlForRole(ADMIN_URL, APP_ROLE, TEST_APP_PASSWORD, name));
  const started = Date.now();
  const measures = await measureStep(side, tenants, size.rows);
  await side.close();
  writeFileSync(join(__dirname, `results-${label}.md`), render(measures, [{ ...size, step: size.rows, generateSeconds: 0 }], (Date.now() - started) / 1000));
}

async function main(): Promise<void> {
  const reuse = argument('--reuse');
  if (reuse) return remeasure(reuse, argument('--label') ?? 'remeasured');
  const name = `ai_commons_scalebench_${process.pid}`;
  const database = await createTestDatabase(ADMIN_URL, name);
  const measures: Measure[] = [];
  const sizes: Size[] = [];
  const started = Date.now();
  try {
    const tenants = await withPg(database.superuserUrl, async (pg) => {
      await pg.query(
        `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw)
         select 'bench-' || lpad(i::text, 2, '0'), '기관 ' || i, 'Institution ' || i, 'bank', 1000000000 from generate_series(1, ${INSTITUTIONS}) i`,
      );
      // Partitions for the whole span (the maintenance job only creates ahead).
      await pg.query(
        `select usage_records_create_partition(usage_records_month_start(now() - make_interval(months => m))) from generate_series(1, ${MONTHS}) m`,
      );
      return (await pg.query(`select id from institutions order by slug`)).rows.map((row) => row.id as string);
    });
    const side = await appSide(database.appUrl);
    let generated = 0;
    for (const target of STEPS) {
      const stepStarted = Date.now();
      while (generated < target) {
        const count = Math.min(CHUNK, target - generated);
        await generate(database.superuserUrl, generated, count);
        generated += count;
        process.stdout.write(`generated ${generated}\n`);
      }
      // The generator's chunks each update every past day's roll-up row (the gateway only ever updates
      // today's): vacuum clears those versions as autovacuum does after the day closes.
      await withPg(database.superuserUrl, async (pg) => {
        await pg.query('analyze usage_records; analyze audit_events');
        await pg.query('vacuum analyze usage_daily'); // not in a transaction block: a statement of its own
      });
      const generateSeconds = (Date.now() - stepStarted) / 1000;
      const size = await withPg(database.superuserUrl, async (pg) => (await pg.query(SIZES_SQL)).rows[0]);
      sizes.push({ ...size, step: target, generateSeconds });
      measures.push(...(await measureStep(side, tenants, target)));
      writeFileSync(join(__dirname, 'results.md'), render(measures, sizes, (Date.now() - started) / 1000));
      process.stdout.write(`step ${target}: ${JSON.stringify(measures.filter((m) => m.step === target))}\n`);
    }
    await side.close();
  } finally {
    if (!process.argv.includes('--keep')) await dropTestDatabase(ADMIN_URL, name);
  }
}

/**
 * `count` usage records (and `count` audit events) numbered from `offset`, spread over MONTHS months
 * and INSTITUTIONS institutions. The usage_daily triggers fold each statement's records into the
 * roll-up as they would the gateway's batches (here 500 000 rows a statement).
 */
async function generate(url: string, offset: number, count: number): Promise<void> {
  await withPg(url, async (pg) => {
    await pg.query('set synchronous_commit = off');
    const tenants = `(select array_agg(id order by slug) from institutions)`;
    // Each chunk is inserted in time order: its index entries land near each other (a chunk spread
    // over the whole span, in random order, costs several times more on this machine).
    // i → a pseudo-random instant in the last MONTHS months (hash spread, not insertion-ordered).
    const at = `now() - make_interval(secs => ((hashint8(i) & 2147483647) % (${MONTHS} * 30 * 86400))::float8)`;
    await pg.query(
      `insert into usage_records (tenant_id, request_id, endpoint_name, model, principal_subject, prompt_tokens, completion_tokens, latency_ms, http_status, outcome, occurred_at)
       select t.ids[1 + i % ${INSTITUTIONS}], 'bench-' || i, 'endpoint-' || (i % 3), (array['llama-3.1-70b', 'qwen2.5-72b', 'exaone-3.5'])[1 + i % 3],
              'svc-' || (i % ${INSTITUTIONS}), 50 + i % 700, 20 + i % 300, 100 + i % 2000, case when i % 50 = 0 then 429 else 200 end,
              case when i % 50 = 0 then 'rejected' else 'success' end, ${at}
         from generate_series(${offset + 1}::bigint, ${offset + count}::bigint) i, (select ${tenants} as ids) t
        order by 11`,
    );
    if (USAGE_ONLY) return;
    await pg.query(
      `insert into audit_events (tenant_id, occurred_at, request_id, actor, action, resource_type, resource_id, outcome, details,
                                 endpoint, model, data_classification, prompt_tokens, completion_tokens, latency_ms, http_status, policy_decision, prompt_hmac, response_hmac)
       select t.ids[1 + i % ${INSTITUTIONS}], ${at}, 'bench-' || i,
              jsonb_build_object('subject', 'svc-' || (i % ${INSTITUTIONS}), 'kind', 'service-account'),
              case when i % 20 = 0 then 'quota.update' else 'gateway.request' end, 'endpoint', 'endpoint-' || (i % 3),
              case when i % 40 = 0 then 'denied' else 'success' end, '{}'::jsonb,
              'endpoint-' || (i % 3), 'llama-3.1-70b', 'internal', 50 + i % 700, 20 + i % 300, 100 + i % 2000, 200, 'allow',
              md5(i::text) || md5((i + 1)::text), md5((i + 2)::text) || md5((i + 3)::text)
         from generate_series(${offset + 1}::bigint, ${offset + count}::bigint) i, (select ${tenants} as ids) t
        order by 2`,
    );
  });
}

/** A random KST month among the generated ones (not the current, partial one). */
function monthRange(pick: number): [Date, Date] {
  const now = new Date(Date.now() + 9 * 3_600_000);
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth() - 1 - (pick % (MONTHS - 2));
  return [new Date(Date.UTC(year, month, 1) - 9 * 3_600_000), new Date(Date.UTC(year, month + 1, 1) - 9 * 3_600_000)];
}

/** 30 days starting at an hour that is not a KST midnight: two partial days the roll-up cannot answer. */
function unalignedRange(pick: number): [Date, Date] {
  const [start] = monthRange(pick);
  const from = new Date(start.getTime() + (1 + (pick % 23)) * 3_600_000 + 17 * 60_000);
  return [from, new Date(from.getTime() + 30 * 86_400_000)];
}

async function timed(
  app: Client,
  scope: { tenant?: string; crossTenant?: string },
  before: string | undefined,
  sql: string,
  parameters: unknown[],
): Promise<[number, number]> {
  await app.query('begin');
  try {
    await app.query(`select set_config('app.tenant_id', $1, true), set_config('app.cross_tenant', $2, true)`, [scope.tenant ?? '', scope.crossTenant ?? '']);
    if (before) await app.query(before);
    const start = performance.now();
    const result = await app.query(sql, parameters);
    return [performance.now() - start, result.rowCount ?? 0];
  } finally {
    await app.query('rollback');
  }
}

const member = (tenantId: string): Principal => ({
  subject: 'bench-member',
  username: 'bench-member',
  roles: ['tenant-member'],
  authMethod: 'keycloak-user',
  clientId: 'scale-bench',
  institutionId: tenantId,
});
const REGULATOR: Principal = {
  subject: 'bench-regulator',
  username: 'bench-regulator',
  roles: ['regulator'],
  authMethod: 'keycloak-user',
  clientId: 'scale-bench',
};
/** Large enough for a whole month of every institution in one page. */
const WHOLE_REPORT = 100_000;

/** UsageReportService.report as the GraphQL resolver calls it (its transaction, scope and query), timed whole. */
async function timedReport(
  reports: UsageReportService,
  tenantId: string | undefined,
  [from, to]: [Date, Date],
  size = WHOLE_REPORT,
): Promise<[number, number]> {
  const principal = tenantId ? member(tenantId) : REGULATOR;
  const tenantScope = tenantId ? ({ kind: 'tenant', tenantId } as const) : undefined;
  const start = performance.now();
  const rows = await RequestContext.run({ requestId: 'scale-bench', principal, tenantScope }, () => reports.report(principal, { from, to }, size));
  return [performance.now() - start, rows.length];
}

async function measureStep({ app, reports }: { app: Client; reports: UsageReportService }, tenants: string[], step: number): Promise<Measure[]> {
  const tenant = (i: number) => tenants[(i * 7) % tenants.length]!;
  const cases: { name: string; run: (i: number) => Promise<[number, number]> }[] = [
    {
      name: 'usage report, one institution, one month (UsageReportService: usage_daily roll-up)',
      run: (i) => timedReport(reports, tenant(i), monthRange(i)),
    },
    {
      name: 'usage report, all 50 institutions, one month (UsageReportService, regulator: roll-up)',
      run: (i) => timedReport(reports, undefined, monthRange(i)),
    },
    {
      name: 'usage report, all 50 institutions, one month, first page of 100 rows (the GraphQL page limit, GRAPHQL_MAX_PAGE_SIZE)',
      run: (i) => timedReport(reports, undefined, monthRange(i), 100),
    },
    {
      name: 'usage report, one institution, 30 days from an hour that is not midnight (roll-up + two partial days from records)',
      run: (i) => timedReport(reports, tenant(i), unalignedRange(i)),
    },
    {
      name: 'usage report, all 50 institutions, 30 days from an hour that is not midnight (roll-up + two partial days from records)',
      run: (i) => timedReport(reports, undefined, unalignedRange(i)),
    },
    {
      name: 'before the roll-up: report grouped from records, one institution in the WHERE clause, one month',
      run: (i) => timed(app, { tenant: tenant(i) }, undefined, USAGE_REPORT_FOR_TENANT, [...monthRange(i), null, tenant(i)]),
    },
    {
      name: 'before the roll-up: report grouped from records, all 50 institutions, one month',
      run: (i) => timed(app, { crossTenant: 'read' }, undefined, USAGE_REPORT, [...monthRange(i), null]),
    },
  ];
  if (!USAGE_ONLY) {
    cases.push(
      {
        name: 'regulator audit query: one institution, one month, newest first, page of 50',
        run: (i) => timed(app, { crossTenant: 'read' }, AUDIT_SETTINGS, AUDIT_BY_INSTITUTION, [tenants[(i * 11) % tenants.length], ...monthRange(i), 51]),
      },
      {
        name: 'regulator audit query: one action (quota.update), one month, all institutions, page of 50',
        run: (i) => timed(app, { crossTenant: 'read' }, AUDIT_SETTINGS, AUDIT_BY_ACTION, ['quota.update', ...monthRange(i), 51]),
      },
    );
  }
  const out: Measure[] = [];
  for (const { name, run } of cases) {
    await run(0); // warm the cache and plan
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const [ms, n] = await run(i + 1);
      times.push(ms);
      rows = n;
    }
    times.sort((a, b) => a - b);
    out.push({ step, name, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1]!, rows });
  }
  return out;
}

function render(measures: Measure[], sizes: Size[], seconds: number): string {
  const fmt = (n: number) => n.toFixed(1);
  const millions = (n: number) => `${n / 1_000_000} M`;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const names = [...new Set(measures.map((m) => m.name))];
  const lines = [
    '# Scale benchmark results',
    '',
    `Generated by \`node -r ./tools/register-ts.cjs test/bench/scale/scale.bench.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\` on ${new Date().toISOString()}: ${INSTITUTIONS} institutions, rows spread evenly over ${MONTHS} months (one month ≈ 1/${MONTHS} of the rows), ${RUNS} runs per query (after one warm-up), each as \`ai_commons_app\` with RLS in a transaction${USAGE_ONLY ? '; usage records only (`--usage-only`: no audit events generated or measured)' : ''}. Load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} on a 2-core machine shared with other work; total ${Math.round(seconds)} s.`,
    '',
    `## Query latency (ms) by data volume (usage records${USAGE_ONLY ? '' : ' = audit events'} = rows)`,
    '',
    `| query | ${sizes.map((s) => `${millions(s.step)} p50 / p95`).join(' | ')} | rows returned |`,
    `| --- | ${sizes.map(() => '---').join(' | ')} | --- |`,
    ...names.map((name) => {
      const row = sizes.map((s) => {
        const m = measures.find((x) => x.name === name && x.step === s.step);
        return m ? `${fmt(m.p50)} / **${fmt(m.p95)}**` : '—';
      });
      const last = measures.filter((x) => x.name === name).at(-1);
      return `| ${name} | ${row.join(' | ')} | ${last?.rows ?? ''} |`;
    }),
    '',
    '## Storage',
    '',
    '| rows | usage_records (all partitions, with indexes) | bytes per usage record | usage_daily roll-up (rows, size) | audit_events (with indexes) | bytes per audit event | per million audit events | usage partitions | generation time |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...sizes.map(
      (s) =>
        `| ${millions(s.step)} | ${mib(s.usageBytes)} | ${Math.round(s.usageBytes / s.step)} | ${s.dailyRows} rows, ${mib(s.dailyBytes)} | ${USAGE_ONLY ? '— | — | —' : `${mib(s.auditBytes)} | ${Math.round(s.auditBytes / s.step)} | ${(((s.auditBytes / s.step) * 1e6) / 2 ** 30).toFixed(2)} GiB`} | ${s.usagePartitions} | ${Math.round(s.generateSeconds)} s |`,
    ),
    '',
  ];
  return lines.join('\n');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
