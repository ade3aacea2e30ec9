import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { RequestContext, type Principal } from '@ai-commons/core';
import { createAppDataSource, revertMigrations, runMigrations, TenantDatabase, TenantScopes } from '@ai-commons/database';
import { ALL_MIGRATIONS } from '@ai-commons/migrations';
import { JsonLogger } from '@ai-commons/observability';
import { UsageRecorder, UsageReportService, type UsageRecord, type UsageReportRow } from '@ai-commons/quota';
import { createTestDatabase, dropTestDatabase, withPg, type TestDatabase } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

const DAY = 86_400_000;
const KST_OFFSET = 9 * 3_600_000;
/** The first instant of the previous KST month: its partition and the following ones exist after migrating. */
const kstMonthStart = (monthsFromNow: number) => {
  const kst = new Date(Date.now() + KST_OFFSET);
  return Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() + monthsFromNow, 1) - KST_OFFSET;
};
const WINDOW_START = kstMonthStart(-1);
const WINDOW_DAYS = 45;
const MODELS = ['llama-3.1-70b', 'Qwen2.5-72B', 'exaone-3.5', 'b-model'];
const OUTCOMES = ['success', 'upstream_error', 'client_error', 'rejected', 'cancelled'] as const;

/** The usage report as it was before the roll-up (grouped from usage_records alone): the oracle. */
const REPORT_FROM_RECORDS = `
  select to_char(u.occurred_at at time zone 'Asia/Seoul', 'YYYY-MM-DD') as day, u.tenant_id, u.model,
         count(*)::int as requests, count(*) filter (where u.outcome = 'success')::int as successful,
         coalesce(sum(u.prompt_tokens), 0)::float8 as prompt_tokens, coalesce(sum(u.completion_tokens), 0)::float8 as completion_tokens
    from usage_records u
   where u.occurred_at >= $1 and u.occurred_at < $2 and ($4::uuid is null or u.tenant_id = $4)
     and ($3::uuid is null or exists (select 1 from quota_pool_endpoints pe where pe.pool_id = $3 and pe.endpoint_id = u.endpoint_id))
   group by 1, 2, 3 order by 1, 2, 3`;

/** The roll-up's rows against the same grouping of usage_records: equal when the triggers kept it exact. */
const ROLLUP_DRIFT = `
  with rolled as (select tenant_id, day, endpoint_id, model, use_case_id, requests, successful_requests, prompt_tokens, completion_tokens from usage_daily),
       raw as (select tenant_id, (occurred_at at time zone 'Asia/Seoul')::date as day, endpoint_id, model, use_case_id, count(*) as requests,
                      count(*) filter (where outcome = 'success') as successful_requests, sum(prompt_tokens) as prompt_tokens, sum(completion_tokens) as completion_tokens
                 from usage_records group by 1, 2, 3, 4, 5)
  select count(*)::int as drift from ((select * from rolled except all select * from raw) union all (select * from raw except all select * from rolled)) d`;

describe('usage_daily roll-up', () => {
  const name = `ai_commons_usage_rollup_${process.pid}`;
  let database: TestDatabase;
  let dataSource: DataSource;
  let reports: UsageReportService;
  let scopes: TenantScopes;
  let recorder: UsageRecorder;
  const tenants: string[] = [];
  const endpoints = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const pools = [randomUUID(), randomUUID()];
  const useCases = [randomUUID(), randomUUID()];
  const superuser = async <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
    withPg(database.superuserUrl, async (pg) => (await pg.query(text, parameters)).rows as T[]);
  const asApp = async <T = Record<string, unknown>>(text: string, parameters: unknown[] = [], settings: Record<string, string> = {}) =>
    withPg(database.appUrl, async (pg) => {
      await pg.query('begin');
      try {
        for (const [key, value] of Object.entries(settings)) await pg.query(`select set_config($1, $2, true)`, [key, value]);
        return (await pg.query(text, parameters)).rows as T[];
      } finally {
        await pg.query('rollback');
      }
    });
  const drift = async () => (await superuser<{ drift: number }>(ROLLUP_DRIFT))[0]!.drift;

  beforeAll(async () => {
    database = await createTestDatabase(e2eDatabase().adminUrl, name);
    for (const slug of ['roll-a', 'roll-b', 'roll-c']) {
      const [row] = await superuser<{ id: string }>(
        `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw) values ($1, $1, $1, 'bank', 1000) returning id`,
        [slug],
      );
      tenants.push(row!.id);
    }
    // Pool 0 has the endpoints of institutions a and b, pool 1 that of c; endpoint 3 is in no pool (foreign keys skipped: only the mapping matters).
    await superuser(
      `set session_replication_role = replica;
       insert into quota_pool_endpoints (tenant_id, endpoint_id, pool_id) values ('${tenants[0]}', '${endpoints[0]}', '${pools[0]}'),
         ('${tenants[1]}', '${endpoints[1]}', '${pools[0]}'), ('${tenants[2]}', '${endpoints[2]}', '${pools[1]}')`,
    );
    dataSource = await createAppDataSource({
      url: database.appUrl,
      entities: [],
      poolSize: 2,
      statementTimeoutMs: 30_000,
      applicationName: 'usage-rollup-e2e',
    }).initialize();
    scopes = new TenantScopes(new TenantDatabase(dataSource));
    reports = new UsageReportService(scopes);
    recorder = new UsageRecorder(new TenantDatabase(dataSource), 60_000, 50, new JsonLogger('usage-rollup-e2e', 'error', () => undefined));
  }, 120_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await dropTestDatabase(e2eDatabase().adminUrl, name);
  });

  const usageRecord = (tenant: number, at: Date, overrides: Partial<UsageRecord> = {}): UsageRecord => ({
    tenantId: tenants[tenant]!,
    requestId: `roll-${randomUUID()}`,
    endpointId: endpoints[tenant]!,
    endpointName: 'endpoint',
    model: MODELS[0]!,
    apiKeyId: null,
    useCaseId: null,
    principalSubject: 'tests',
    promptTokens: 10,
    completionTokens: 5,
    latencyMs: 3,
    httpStatus: 200,
    outcome: 'success',
    streamed: false,
    occurredAt: at,
    ...overrides,
  });

  it('the migration backfills the roll-up from existing records, and reverts to the retention function it replaced', async () => {
    // Revert down to and including the roll-up's migration (later ones first), then migrate back up.
    const rollupIndex = ALL_MIGRATIONS.findIndex((migration) => migration.name === 'UsageDailyRollup1765910000000');
    expect(rollupIndex).toBeGreaterThan(0);
    const reverted = ALL_MIGRATIONS.slice(rollupIndex).reverse();
    expect(await revertMigrations(database.ownerUrl, ALL_MIGRATIONS, reverted.length, { adminUrl: database.adminUrl })).toEqual(
      reverted.map((migration) => new migration().name),
    );
    expect(await superuser(`select to_regclass('usage_daily') as t`)).toEqual([{ t: null }]);
    await superuser(
      `insert into usage_records (tenant_id, request_id, endpoint_id, endpoint_name, model, principal_subject, prompt_tokens, completion_tokens, latency_ms, http_status, outcome, occurred_at, use_case_id)
       select ($1::uuid[])[1 + i % 3], 'backfill-' || i, case when i % 4 = 3 then null else ($2::uuid[])[1 + i % 4] end, 'e', ($3::text[])[1 + i % 4], 't',
              i, 2 * i, 1, 200, ($4::text[])[1 + i % 5], to_timestamp($5::float8 / 1000) + make_interval(mins => i * 37), case when i % 3 = 0 then $6::uuid end
         from generate_series(1, 400) i`,
      [tenants, endpoints, MODELS, OUTCOMES, WINDOW_START, useCases[0]],
    );
    await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl });
    expect((await superuser<{ n: number }>(`select count(*)::int as n from usage_daily`))[0]!.n).toBeGreaterThan(20);
    expect(await drift()).toBe(0);
    await superuser(`delete from usage_records`);
    expect(await superuser(`select count(*)::int as n from usage_daily`)).toEqual([{ n: 0 }]);
  }, 120_000);

  it('the app role may only read the roll-up, under the same row-level security as usage_records; only the trigger and retention write it', async () => {
    const at = new Date(WINDOW_START + 3 * DAY);
    recorder.record(usageRecord(0, at));
    recorder.record(usageRecord(1, at));
    await recorder.flush();
    const grants = await superuser(
      `select privilege_type from information_schema.table_privileges where grantee = 'ai_commons_app' and table_name = 'usage_daily' order by 1`,
    );
    expect(grants).toEqual([{ privilege_type: 'SELECT' }]);
    expect(await superuser(`select has_function_privilege('ai_commons_app', 'usage_daily_apply()', 'execute') as execute`)).toEqual([{ execute: false }]);
    const forced = await superuser(`select relrowsecurity, relforcerowsecurity from pg_class where relname = 'usage_daily'`);
    expect(forced).toEqual([{ relrowsecurity: true, relforcerowsecurity: true }]);
    expect(await asApp(`select count(*)::int as n from usage_daily`)).toEqual([{ n: 0 }]);
    expect(await asApp(`select distinct tenant_id from usage_daily`, [], { 'app.tenant_id': tenants[0]! })).toEqual([{ tenant_id: tenants[0] }]);
    expect(await asApp(`select count(*)::int as n from usage_daily`, [], { 'app.cross_tenant': 'read' })).toEqual([{ n: 2 }]);
    for (const statement of [
      `insert into usage_daily (tenant_id, day, model, requests, successful_requests, prompt_tokens, completion_tokens) values ('${tenants[0]}', current_date, 'x', 1, 1, 1, 1)`,
      `update usage_daily set requests = requests + 1`,
      `delete from usage_daily`,
    ]) {
      for (const scope of ['system', 'admin']) {
        await expect(asApp(statement, [], { 'app.cross_tenant': scope })).rejects.toMatchObject({ code: '42501' });
      }
    }
    await superuser(`delete from usage_records`);
  });

  it('retention removes the roll-up days of the dropped months, and only those', async () => {
    const [old, kept] = await superuser<{ at: Date }>(
      `select usage_records_create_partition(usage_records_month_start(now() - make_interval(months => m))), usage_records_month_start(now() - make_interval(months => m)) + interval '2 days' as at
         from unnest(array[62, 59]) m`,
    );
    recorder.record(usageRecord(0, old!.at));
    recorder.record(usageRecord(1, kept!.at));
    await recorder.flush();
    const days = async () => (await superuser<{ day: string }>(`select day::text from usage_daily order by day`)).map((row) => row.day);
    expect(await days()).toHaveLength(2);
    await withPg(database.appUrl, (pg) => pg.query(`select usage_records_drop_partitions_older_than(60)`));
    expect(await days()).toEqual([new Date(kept!.at.getTime() + KST_OFFSET).toISOString().slice(0, 10)]);
    expect(await drift()).toBe(0);
    await superuser(`delete from usage_records`);
  });

  /** Random usage: any institution, endpoint (or none), model, use case, outcome; times spread over 45 days, many on or next to a KST midnight. */
  const instant = fc.oneof(
    fc.integer({ min: 0, max: WINDOW_DAYS * DAY - 1 }),
    fc.tuple(fc.integer({ min: 0, max: WINDOW_DAYS - 1 }), fc.integer({ min: -2, max: 2 })).map(([day, ms]) => Math.max(0, day * DAY + ms)),
  );
  const records = fc.array(
    fc.record({
      tenant: fc.integer({ min: 0, max: 2 }),
      endpoint: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      model: fc.constantFrom(...MODELS),
      useCase: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
      outcome: fc.constantFrom(...OUTCOMES),
      promptTokens: fc.integer({ min: 0, max: 200_000 }),
      completionTokens: fc.integer({ min: 0, max: 200_000 }),
      at: instant,
      // Changed (tokens, time) or deleted afterwards by an operator, through the parent table.
      fate: fc.constantFrom('kept', 'kept', 'kept', 'kept', 'updated', 'deleted'),
    }),
    { minLength: 0, maxLength: 150 },
  );
  const bound = fc.oneof(
    fc.integer({ min: -DAY, max: (WINDOW_DAYS + 1) * DAY }),
    fc.integer({ min: -1, max: WINDOW_DAYS + 1 }).map((day) => day * DAY),
  );
  const query = fc.record({
    from: bound,
    to: bound,
    viewer: fc.constantFrom<number | 'regulator'>('regulator', 0, 1, 2),
    pool: fc.option(fc.integer({ min: 0, max: 1 }), { nil: null }),
    pageSize: fc.integer({ min: 1, max: 400 }),
  });

  it('answers every report exactly as the records alone would: random records, batches, updates, deletes, ranges, viewers, pools and pages', async () => {
    await fc.assert(
      fc.asyncProperty(records, fc.integer({ min: 1, max: 60 }), fc.array(query, { minLength: 1, maxLength: 4 }), async (generated, batchSize, queries) => {
        await superuser(`delete from usage_records`);
        expect(await superuser(`select count(*)::int as n from usage_daily`)).toEqual([{ n: 0 }]);
        const written = generated.map((r) =>
          usageRecord(r.tenant, new Date(WINDOW_START + r.at), {
            endpointId: r.endpoint === null ? null : endpoints[r.endpoint]!,
            model: r.model,
            useCaseId: r.useCase === null ? null : useCases[r.useCase]!,
            outcome: r.outcome,
            promptTokens: r.promptTokens,
            completionTokens: r.completionTokens,
          }),
        );
        // The gateway's recorder, in batches of the drawn size (one insert statement each).
        for (let at = 0; at < written.length; at += batchSize) {
          for (const record of written.slice(at, at + batchSize)) recorder.record(record);
          await recorder.flush();
        }
        const fated = (fate: string) => written.filter((_, index) => generated[index]!.fate === fate).map((record) => record.requestId);
        await superuser(
          `update usage_records set prompt_tokens = prompt_tokens + 7, occurred_at = occurred_at + interval '20 hours' where request_id = any($1)`,
          [fated('updated')],
        );
        await superuser(`delete from usage_records where request_id = any($1)`, [fated('deleted')]);
        expect(await drift()).toBe(0);

        for (const q of queries) {
          if (q.from === q.to) continue;
          const from = new Date(WINDOW_START + Math.min(q.from, q.to));
          const to = new Date(WINDOW_START + Math.max(q.from, q.to));
          const principal = viewer(q.viewer);
          const tenantScope = q.viewer === 'regulator' ? undefined : ({ kind: 'tenant', tenantId: tenants[q.viewer]! } as const);
          const poolId = q.pool === null ? undefined : pools[q.pool]!;
          const inScope = <T>(work: () => Promise<T>) => RequestContext.run({ requestId: 'usage-rollup-e2e', principal, tenantScope }, work);
          const expected = await inScope(() =>
            scopes.read(principal, 'oracle', (tx) => tx.query(REPORT_FROM_RECORDS, [from, to, poolId ?? null, tenantScope?.tenantId ?? null])),
          );
          // Page through the service as the GraphQL connection does: `size` rows, the extra one saying more follow.
          const pages: UsageReportRow[] = [];
          let after: unknown[] | undefined;
          for (;;) {
            const page = await inScope(() => reports.report(principal, { from, to, poolId }, q.pageSize, after));
            pages.push(...page.slice(0, q.pageSize));
            if (page.length <= q.pageSize) break;
            const last = pages.at(-1)!;
            after = [last.day, last.institutionId, last.model];
          }
          expect(pages).toEqual(
            (expected as Record<string, never>[]).map((row) => ({
              institutionId: row.tenant_id,
              model: row.model,
              day: row.day,
              requests: row.requests,
              successfulRequests: row.successful,
              promptTokens: row.prompt_tokens,
              completionTokens: row.completion_tokens,
              totalTokens: (row.prompt_tokens as number) + (row.completion_tokens as number),
            })),
          );
        }
      }),
      { numRuns: 25 },
    );
  }, 600_000);

  const viewer = (who: number | 'regulator'): Principal =>
    who === 'regulator'
      ? { subject: 'regulator', username: 'regulator', roles: ['regulator'], authMethod: 'keycloak-user', clientId: 'tests' }
      : {
          subject: `member-${who}`,
          username: `member-${who}`,
          roles: ['tenant-member'],
          authMethod: 'keycloak-user',
          clientId: 'tests',
          institutionId: tenants[who],
        };
});
