import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One roll-up row's key and figures, from a set of usage_records rows named `source` (grouped, in key order). */
const AGGREGATE = (source: string, sign: '' | '-') => `
  select tenant_id, (occurred_at at time zone 'Asia/Seoul')::date as day, endpoint_id, model, use_case_id,
         ${sign}count(*) as requests, ${sign}count(*) filter (where outcome = 'success') as successful_requests,
         ${sign}coalesce(sum(prompt_tokens), 0) as prompt_tokens, ${sign}coalesce(sum(completion_tokens), 0) as completion_tokens
    from ${source} group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`;

const KEY = `tenant_id, day, endpoint_id, model, use_case_id`;
const FIGURES = `requests, successful_requests, prompt_tokens, completion_tokens`;

/** Adds rows' figures to the roll-up (insert, or add to the day's row). */
const ADD = (source: string) => `
  insert into usage_daily as d (${KEY}, ${FIGURES}) ${AGGREGATE(source, '')}
  on conflict on constraint usage_daily_key do update
    set requests = d.requests + excluded.requests, successful_requests = d.successful_requests + excluded.successful_requests,
        prompt_tokens = d.prompt_tokens + excluded.prompt_tokens, completion_tokens = d.completion_tokens + excluded.completion_tokens;`;

/** The retention function of 1765800000000, with `extra` run after the partitions are dropped (same cutoff, same transaction). */
const DROP_PARTITIONS = (extra: string) => `
  create or replace function usage_records_drop_partitions_older_than(keep_months integer) returns text[]
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
      end loop;${extra}
      return dropped;
    end $$;`;

/**
 * usage_daily: usage per institution, KST day, endpoint, model and use case (requests, successful
 * requests, prompt and completion tokens), so a month's report reads a few thousand rows instead
 * of a month of usage records.
 *
 * - Kept exact by statement-level triggers on usage_records (after insert, update, delete; their
 *   transition tables cover every partition): each statement adds (or subtracts) its rows' figures
 *   in the same transaction. The gateway's recorder inserts a batch per statement (group commit),
 *   so this is one grouped upsert per batch, whoever writes — the recorder, a fixture, a backfill.
 *   Rows are upserted in key order, so concurrent batches lock the same day's rows in one order
 *   (no deadlock). Writes straight into a partition (never the application's: it has no grant on
 *   partitions) and TRUNCATE bypass the parent's triggers.
 * - Only the trigger function and the retention function (SECURITY DEFINER, owned by the owner)
 *   write it, through the owner's policy; the application may only read (RLS like usage_records),
 *   so no service can forge or alter an aggregate without writing the usage records behind it.
 * - Retention follows usage_records': the retention function deletes the roll-up's days before the
 *   same cutoff when it drops the partitions.
 * - The backfill runs after the trigger exists: CREATE TRIGGER locks out concurrent inserts until
 *   this migration commits, so no record is counted twice or missed.
 */
export class UsageDailyRollup1765910000000 implements MigrationInterface {
  name = 'UsageDailyRollup1765910000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table usage_daily (
        tenant_id uuid not null references institutions (id),
        day date not null,
        endpoint_id uuid,
        model text not null,
        use_case_id uuid,
        requests bigint not null,
        successful_requests bigint not null,
        prompt_tokens bigint not null,
        completion_tokens bigint not null,
        -- In the report's order (day, institution, model) for one institution; the index below for all of them.
        constraint usage_daily_key unique nulls not distinct (tenant_id, day, model, endpoint_id, use_case_id),
        constraint usage_daily_figures_non_negative
          check (requests >= 0 and successful_requests >= 0 and successful_requests <= requests and prompt_tokens >= 0 and completion_tokens >= 0)
      ) with (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);
      -- Today's rows are updated once per usage batch: room on the page keeps those updates HOT (no
      -- new index entries), and an early vacuum clears the old versions; closed days never change.
      create index usage_daily_report on usage_daily (day, tenant_id, model);
      alter table usage_daily enable row level security;
      alter table usage_daily force row level security;
      create policy usage_daily_read on usage_daily for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      -- Lets the SECURITY DEFINER functions below (owned by the owner) keep it; nothing else.
      create policy usage_daily_owner_functions on usage_daily for all to ai_commons_owner using (true) with check (true);
      grant select on usage_daily to ai_commons_app;

      create function usage_daily_apply() returns trigger
        language plpgsql security definer set search_path = public as $$
        begin
          if tg_op in ('UPDATE', 'DELETE') then
            update usage_daily d
               set requests = d.requests + o.requests, successful_requests = d.successful_requests + o.successful_requests,
                   prompt_tokens = d.prompt_tokens + o.prompt_tokens, completion_tokens = d.completion_tokens + o.completion_tokens
              from (${AGGREGATE('old_rows', '-')}) o
             where d.tenant_id = o.tenant_id and d.day = o.day and d.endpoint_id is not distinct from o.endpoint_id
               and d.model = o.model and d.use_case_id is not distinct from o.use_case_id;
            -- A day's row with nothing left goes, as the records behind it did.
            delete from usage_daily d using (select distinct tenant_id, (occurred_at at time zone 'Asia/Seoul')::date as day from old_rows) o
             where d.requests = 0 and d.tenant_id = o.tenant_id and d.day = o.day;
          end if;
          if tg_op in ('INSERT', 'UPDATE') then
            ${ADD('new_rows')}
          end if;
          return null;
        end $$;
      revoke all on function usage_daily_apply() from public;
      create trigger usage_daily_after_insert after insert on usage_records
        referencing new table as new_rows for each statement execute function usage_daily_apply();
      create trigger usage_daily_after_update after update on usage_records
        referencing old table as old_rows new table as new_rows for each statement execute function usage_daily_apply();
      create trigger usage_daily_after_delete after delete on usage_records
        referencing old table as old_rows for each statement execute function usage_daily_apply();

      ${DROP_PARTITIONS(`
      delete from usage_daily where day < (cutoff at time zone 'Asia/Seoul')::date;`)}

      -- Backfill from the records already written (read as their owner: RLS forced again at once).
      alter table usage_records no force row level security;
      ${ADD('usage_records')}
      alter table usage_records force row level security;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ${DROP_PARTITIONS('')}
      drop trigger usage_daily_after_delete on usage_records;
      drop trigger usage_daily_after_update on usage_records;
      drop trigger usage_daily_after_insert on usage_records;
      drop function usage_daily_apply();
      drop table usage_daily;
    `);
  }
}
