import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The columns and checks of usage_records, the same before and after partitioning. */
const COLUMNS = `
  tenant_id uuid not null references institutions (id),
  id uuid not null default gen_random_uuid(),
  request_id text not null,
  endpoint_id uuid,
  endpoint_name text not null,
  model text not null,
  api_key_id uuid,
  principal_subject text not null,
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  latency_ms integer not null,
  http_status integer not null,
  outcome text not null,
  streamed boolean not null default false,
  occurred_at timestamptz not null,
  use_case_id uuid,
  constraint usage_records_tokens_non_negative check (prompt_tokens >= 0 and completion_tokens >= 0),
  constraint usage_records_outcome_check check (outcome in ('success', 'upstream_error', 'client_error', 'rejected', 'cancelled'))`;

const COLUMN_LIST = `tenant_id, id, request_id, endpoint_id, endpoint_name, model, api_key_id, principal_subject,
  prompt_tokens, completion_tokens, latency_ms, http_status, outcome, streamed, occurred_at, use_case_id`;

/** Usage by use case (the register's migration, 1765700000000, added the column and this index). */
const USE_CASE_INDEX = `create index usage_records_use_case on usage_records (tenant_id, use_case_id, occurred_at) where use_case_id is not null;`;

/** RLS, policies and grants of usage_records (on the parent; partitions get RLS and no grants). */
const SECURITY = `
  alter table usage_records enable row level security;
  alter table usage_records force row level security;
  create policy usage_records_read on usage_records for select to ai_commons_app
    using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
  create policy usage_records_system_append on usage_records for insert to ai_commons_app
    with check (app_cross_tenant() = 'system');
  grant select, insert on usage_records to ai_commons_app;`;

/**
 * usage_records becomes a table partitioned by month (native range partitioning on occurred_at,
 * months in KST like budgets and reports), so a month's report reads one partition and retention
 * drops whole partitions instead of deleting rows.
 *
 * - The primary key gains occurred_at (a partitioned table's unique keys include the partition key).
 * - The application cannot create tables (it only uses the schema), so two SECURITY DEFINER
 *   functions owned by the owner are its only way to manage partitions, each doing one bounded thing:
 *   `usage_records_ensure_partitions(months_ahead)` creates the partitions from the previous month up
 *   to `months_ahead` months later (at most 24), and `usage_records_drop_partitions_older_than(keep_months)`
 *   drops partitions that ended more than `keep_months` months ago and refuses anything below 60
 *   (5 years: the retention floor for financial transaction records, see libs/domain/usage-retention
 *   in the README) — the floor lives in the database, so no configuration can go under it.
 * - No default partition: a row outside every partition fails its insert loudly (the gateway's
 *   recorder keeps it as a dead letter) instead of piling up where the monthly detach cannot move it.
 *   The migration creates partitions for every month with data, the previous month and three ahead.
 * - Every partition has RLS ENABLE + FORCE and no policies and no grants: the application reaches
 *   rows only through the parent, whose policies apply; a direct read of a partition sees nothing.
 */
export class UsageRecordsMonthlyPartitions1765800000000 implements MigrationInterface {
  name = 'UsageRecordsMonthlyPartitions1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table usage_records rename to usage_records_unpartitioned;
      alter table usage_records_unpartitioned no force row level security;
      alter index usage_records_pkey rename to usage_records_unpartitioned_pkey;
      alter index usage_records_report rename to usage_records_unpartitioned_report;
      alter index usage_records_use_case rename to usage_records_unpartitioned_use_case;

      create table usage_records (${COLUMNS},
        primary key (tenant_id, id, occurred_at)
      ) partition by range (occurred_at);
      create index usage_records_report on usage_records (tenant_id, occurred_at);
      create index usage_records_time on usage_records (occurred_at);
      ${USE_CASE_INDEX}

      -- The first instant of a KST month, and the name of its partition.
      create function usage_records_month_start(at timestamptz) returns timestamptz
        language sql stable set search_path = public
        as $$ select date_trunc('month', at at time zone 'Asia/Seoul') at time zone 'Asia/Seoul' $$;

      create function usage_records_create_partition(month_start timestamptz) returns boolean
        language plpgsql set search_path = public as $$
        declare
          name text := 'usage_records_y' || to_char(month_start at time zone 'Asia/Seoul', 'YYYY"m"MM');
        begin
          if to_regclass(name) is not null then return false; end if;
          execute format('create table %I partition of usage_records for values from (%L) to (%L)',
            name, month_start, (month_start at time zone 'Asia/Seoul' + interval '1 month') at time zone 'Asia/Seoul');
          execute format('alter table %I enable row level security', name);
          execute format('alter table %I force row level security', name);
          return true;
        end $$;
      revoke all on function usage_records_create_partition(timestamptz) from public;

      create function usage_records_ensure_partitions(months_ahead integer) returns integer
        language plpgsql security definer set search_path = public as $$
        declare
          created integer := 0;
          -- From the previous month: a record stamped just before midnight may arrive just after it.
          month_start timestamptz := (usage_records_month_start(now()) at time zone 'Asia/Seoul' - interval '1 month') at time zone 'Asia/Seoul';
        begin
          if months_ahead is null or months_ahead < 0 or months_ahead > 24 then
            raise exception 'months_ahead must be between 0 and 24, not %', months_ahead using errcode = 'invalid_parameter_value';
          end if;
          -- One creator at a time (replicas may race for a moment around a leadership hand-over).
          perform pg_advisory_xact_lock(hashtext('usage_records_partitions'));
          for i in 0..months_ahead + 1 loop
            if usage_records_create_partition(month_start) then created := created + 1; end if;
            month_start := (month_start at time zone 'Asia/Seoul' + interval '1 month') at time zone 'Asia/Seoul';
          end loop;
          return created;
        end $$;
      revoke all on function usage_records_ensure_partitions(integer) from public;
      grant execute on function usage_records_ensure_partitions(integer) to ai_commons_app;

      create function usage_records_drop_partitions_older_than(keep_months integer) returns text[]
        language plpgsql security definer set search_path = public as $$
        declare
          cutoff timestamptz;
          dropped text[] := '{}';
          part record;
        begin
          if keep_months is null or keep_months < 60 then
            raise exception 'usage records are kept at least 60 months (5 years), not %', keep_months using errcode = 'invalid_parameter_value';
          end if;
          perform pg_advisory_xact_lock(hashtext('usage_records_partitions'));
          cutoff := (usage_records_month_start(now()) at time zone 'Asia/Seoul' - make_interval(months => keep_months)) at time zone 'Asia/Seoul';
          for part in
            select c.relname, pg_get_expr(c.relpartbound, c.oid) as bound
              from pg_inherits i join pg_class c on c.oid = i.inhrelid
             where i.inhparent = 'usage_records'::regclass
          loop
            -- Bounds read back as FOR VALUES FROM ('…') TO ('…'): drop when the upper bound is at or before the cutoff.
            if (substring(part.bound from $re$TO \\('([^']+)'\\)$re$))::timestamptz <= cutoff then
              execute format('drop table %I', part.relname);
              dropped := dropped || part.relname::text;
            end if;
          end loop;
          return dropped;
        end $$;
      revoke all on function usage_records_drop_partitions_older_than(integer) from public;
      grant execute on function usage_records_drop_partitions_older_than(integer) to ai_commons_app;

      -- Partitions for every month with data, and three ahead.
      select usage_records_create_partition(month)
        from (select distinct usage_records_month_start(occurred_at) as month from usage_records_unpartitioned) months;
    `);
    await db.query(`select usage_records_ensure_partitions(3)`);
    await db.query(`
      insert into usage_records (${COLUMN_LIST}) select ${COLUMN_LIST} from usage_records_unpartitioned;
      drop table usage_records_unpartitioned;
      ${SECURITY}
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table usage_records no force row level security;
      alter table usage_records rename to usage_records_partitioned;
      alter index usage_records_pkey rename to usage_records_partitioned_pkey;
      alter index usage_records_report rename to usage_records_partitioned_report;
      alter index usage_records_use_case rename to usage_records_partitioned_use_case;
      drop index usage_records_time;

      create table usage_records (${COLUMNS},
        primary key (tenant_id, id)
      );
      create index usage_records_report on usage_records (tenant_id, occurred_at);
      ${USE_CASE_INDEX}
      insert into usage_records (${COLUMN_LIST}) select ${COLUMN_LIST} from usage_records_partitioned;
      drop table usage_records_partitioned;
      drop function usage_records_drop_partitions_older_than(integer);
      drop function usage_records_ensure_partitions(integer);
      drop function usage_records_create_partition(timestamptz);
      drop function usage_records_month_start(timestamptz);
      ${SECURITY}
    `);
  }
}
