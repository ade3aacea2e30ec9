import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage of a killed gateway is recovered, not lost (issue 16).
 *
 * - `gateway_instances`: one row per gateway process (registered at start, `last_seen_at` renewed by
 *   a heartbeat, `stopped_at` after a clean shutdown). `durable_before`: every request this
 *   instance admitted before it has its usage record written (the heartbeat says so), which bounds
 *   what recovery reads. `recovered_at` fences the instance: recovery takes the row FOR UPDATE and
 *   the instance's usage flush FOR SHARE, so the two never write the same call's record.
 * - `usage_records.call_id`: the gateway's own id of one admitted call (a caller chooses its
 *   `x-request-id`, so request ids are not unique); the admission audit record carries the same id.
 * - `usage_records.outcome` may be `recovered` (written by recovery, not by the gateway that served
 *   the call) and `http_status` may be null (recovery does not know the answer's status when the
 *   call's completion record was lost too).
 * Not a tenant table: system scope only, RLS ENABLE + FORCE like every other.
 */
export class UsageRecovery1765920000000 implements MigrationInterface {
  name = 'UsageRecovery1765920000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table gateway_instances (
        id uuid primary key,
        host text not null,
        started_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now(),
        durable_before timestamptz not null default now(),
        stopped_at timestamptz,
        recovered_at timestamptz,
        recovered_records integer
      );
      create index gateway_instances_unsettled on gateway_instances (last_seen_at) where stopped_at is null and recovered_at is null;
      alter table gateway_instances enable row level security;
      alter table gateway_instances force row level security;
      create policy gateway_instances_system on gateway_instances for all to ai_commons_app
        using (app_cross_tenant() = 'system') with check (app_cross_tenant() = 'system');
      grant select, insert, update on gateway_instances to ai_commons_app;

      alter table usage_records add column call_id uuid;
      create index usage_records_call on usage_records (call_id) where call_id is not null;
      alter table usage_records alter column http_status drop not null;
      alter table usage_records drop constraint usage_records_outcome_check;
      alter table usage_records add constraint usage_records_outcome_check
        check (outcome in ('success', 'upstream_error', 'client_error', 'rejected', 'cancelled', 'recovered'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table usage_records no force row level security;
      -- Recovered records keep their charge under the closest earlier outcome (charged, answer not known complete).
      update usage_records set outcome = 'cancelled' where outcome = 'recovered';
      update usage_records set http_status = 0 where http_status is null;
      alter table usage_records force row level security;
      alter table usage_records drop constraint usage_records_outcome_check;
      alter table usage_records add constraint usage_records_outcome_check
        check (outcome in ('success', 'upstream_error', 'client_error', 'rejected', 'cancelled'));
      alter table usage_records alter column http_status set not null;
      drop index usage_records_call;
      alter table usage_records drop column call_id;
      drop table gateway_instances;
    `);
  }
}
