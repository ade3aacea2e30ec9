import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data-handling policy and data-isolation verification.
 *
 * - `data_policy_versions` (platform-wide): every published version of the gateway's data-handling
 *   policy, immutable; the highest version of a policy id is in force. Everyone reads, platform
 *   admins append.
 * - `institution_pii_settings` (tenant-owned): an institution's PII detector modes. Tenant admins
 *   write their own; platform admins any; the gateway (system) reads all.
 * - `isolation_canaries` (tenant-owned): marker rows the verification run plants in each
 *   institution's own scope and then tries to read from every other institution's scope.
 * - `isolation_runs`, `isolation_check_results`, `isolation_alerts` (platform): signed reports of
 *   verification runs. Platform admins and regulators read; the run (admin or system scope) writes.
 *
 * Changes to policies and PII settings notify `ai_commons_changes`, so gateways reload them.
 */
export class IsolationAndPolicy1764900000000 implements MigrationInterface {
  name = 'IsolationAndPolicy1764900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table data_policy_versions (
        policy_id text not null,
        version integer not null,
        document jsonb not null,
        note text,
        published_by text not null,
        published_at timestamptz not null default now(),
        primary key (policy_id, version),
        constraint data_policy_versions_version_positive check (version > 0),
        constraint data_policy_versions_document_object check (jsonb_typeof(document) = 'object')
      );
      alter table data_policy_versions enable row level security;
      alter table data_policy_versions force row level security;
      create policy data_policy_versions_read on data_policy_versions for select to ai_commons_app using (true);
      create policy data_policy_versions_admin_append on data_policy_versions for insert to ai_commons_app
        with check (app_cross_tenant() = 'admin');
      grant select, insert on data_policy_versions to ai_commons_app;

      create table institution_pii_settings (
        tenant_id uuid not null references institutions (id),
        settings jsonb not null,
        revision integer not null default 1,
        updated_by text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id),
        constraint institution_pii_settings_object check (jsonb_typeof(settings) = 'object')
      );
      alter table institution_pii_settings enable row level security;
      alter table institution_pii_settings force row level security;
      create policy institution_pii_settings_read on institution_pii_settings for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy institution_pii_settings_write on institution_pii_settings for all to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() = 'admin')
        with check (tenant_id = app_current_tenant() or app_cross_tenant() = 'admin');
      grant select, insert, update on institution_pii_settings to ai_commons_app;

      create trigger data_policy_versions_notify after insert or update or delete on data_policy_versions
        for each statement execute function notify_routing_change();
      create trigger institution_pii_settings_notify after insert or update or delete on institution_pii_settings
        for each statement execute function notify_routing_change();

      -- Canaries are visible only in their own institution's scope: not even cross-tenant readers
      -- see them, so every probe from another scope must come back empty.
      create table isolation_canaries (
        tenant_id uuid not null references institutions (id),
        id uuid not null default gen_random_uuid(),
        run_id uuid not null,
        marker text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        constraint isolation_canaries_marker_key unique (tenant_id, marker)
      );
      alter table isolation_canaries enable row level security;
      alter table isolation_canaries force row level security;
      create policy isolation_canaries_own on isolation_canaries for all to ai_commons_app
        using (tenant_id = app_current_tenant()) with check (tenant_id = app_current_tenant());
      grant select, insert, delete on isolation_canaries to ai_commons_app;

      create table isolation_runs (
        id uuid primary key,
        trigger text not null,
        requested_by text not null,
        status text not null,
        started_at timestamptz not null,
        finished_at timestamptz,
        summary jsonb,
        report jsonb,
        report_sha256 text,
        signature text,
        signing_key_id text,
        tree_head jsonb,
        constraint isolation_runs_trigger_check check (trigger in ('on-demand', 'schedule')),
        constraint isolation_runs_status_check check (status in ('running', 'passed', 'failed', 'warning', 'error'))
      );
      create index isolation_runs_order on isolation_runs (started_at, id);

      create table isolation_check_results (
        run_id uuid not null references isolation_runs (id),
        check_id text not null,
        title text not null,
        concern text not null,
        status text not null,
        summary text not null,
        evidence jsonb not null,
        duration_ms integer not null,
        primary key (run_id, check_id),
        constraint isolation_check_results_status_check check (status in ('pass', 'fail', 'warning'))
      );

      create table isolation_alerts (
        id uuid primary key default gen_random_uuid(),
        run_id uuid not null references isolation_runs (id),
        check_id text not null,
        concern text not null,
        summary text not null,
        raised_at timestamptz not null default now(),
        acknowledged_at timestamptz,
        acknowledged_by text
      );
      create index isolation_alerts_order on isolation_alerts (raised_at, id);

      alter table isolation_runs enable row level security;
      alter table isolation_runs force row level security;
      create policy isolation_runs_read on isolation_runs for select to ai_commons_app
        using (app_cross_tenant() in ('read', 'admin', 'system'));
      create policy isolation_runs_write on isolation_runs for all to ai_commons_app
        using (app_cross_tenant() in ('admin', 'system')) with check (app_cross_tenant() in ('admin', 'system'));
      grant select, insert, update on isolation_runs to ai_commons_app;

      alter table isolation_check_results enable row level security;
      alter table isolation_check_results force row level security;
      create policy isolation_check_results_read on isolation_check_results for select to ai_commons_app
        using (app_cross_tenant() in ('read', 'admin', 'system'));
      create policy isolation_check_results_append on isolation_check_results for insert to ai_commons_app
        with check (app_cross_tenant() in ('admin', 'system'));
      grant select, insert on isolation_check_results to ai_commons_app;

      alter table isolation_alerts enable row level security;
      alter table isolation_alerts force row level security;
      create policy isolation_alerts_read on isolation_alerts for select to ai_commons_app
        using (app_cross_tenant() in ('read', 'admin', 'system'));
      create policy isolation_alerts_write on isolation_alerts for all to ai_commons_app
        using (app_cross_tenant() in ('admin', 'system')) with check (app_cross_tenant() in ('admin', 'system'));
      grant select, insert, update on isolation_alerts to ai_commons_app;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop table isolation_alerts;
      drop table isolation_check_results;
      drop table isolation_runs;
      drop table isolation_canaries;
      drop trigger institution_pii_settings_notify on institution_pii_settings;
      drop trigger data_policy_versions_notify on data_policy_versions;
      drop table institution_pii_settings;
      drop table data_policy_versions;
    `);
  }
}
