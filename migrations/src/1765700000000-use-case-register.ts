import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The AI use-case register (issue 13): every business use of a model, reviewed by the regulator
 * and enforced at the gateway.
 *
 * - `use_cases` (the serving approval and the workflow state), `use_case_versions` (what the
 *   institution declared, one row per version: a material change opens a new one) and
 *   `use_case_history` (every transition with actor, time and comment).
 * - Regulators get their first write, in a new cross-tenant mode `app.cross_tenant = 'review'`:
 *   they may update use cases and versions and append history, nothing else. Triggers keep the
 *   separation of duties in the database too: only a `review` transaction may approve, suspend,
 *   reinstate, reject or request changes, or touch an approval; a review may change nothing the
 *   institution declared. The expiry sweep is the platform's own (`system`).
 * - `api_keys.use_case_id` and `service_account_use_cases` (client id → use case, per
 *   institution) bind credentials; `usage_records.use_case_id` attributes usage. Audit events carry
 *   the use case id in `details` (new events only: the leaf format of existing events is unchanged).
 * - `institutions.use_case_enforcement`: new institutions start in `enforce`; the institutions that
 *   exist when this runs are put in `report-only`, so their existing (unbound) keys keep serving.
 */
export class UseCaseRegister1765700000000 implements MigrationInterface {
  name = 'UseCaseRegister1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      -- Rows that exist now get 'report-only' (the value the column is added with: no UPDATE, so
      -- row-level security, forced on the owner too, is not in the way); new institutions 'enforce'.
      alter table institutions add column use_case_enforcement text not null default 'report-only',
        add constraint institutions_use_case_enforcement_check check (use_case_enforcement in ('enforce', 'report-only'));
      alter table institutions alter column use_case_enforcement set default 'enforce';

      create table use_cases (
        tenant_id uuid not null references institutions (id),
        id uuid not null default gen_random_uuid(),
        name text not null,
        state text not null default 'draft',
        latest_version integer not null default 1,
        serving_version integer,
        revision_state text,
        approval_reference text,
        approval_conditions text,
        valid_from timestamptz,
        valid_until timestamptz,
        approved_by text,
        approved_at timestamptz,
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        constraint use_cases_id_key unique (id),
        constraint use_cases_name_key unique (tenant_id, name),
        constraint use_cases_state_check check (state in
          ('draft', 'submitted', 'changes-requested', 'rejected', 'approved', 'suspended', 'expired', 'withdrawn')),
        constraint use_cases_revision_state_check check (revision_state is null or revision_state in
          ('draft', 'submitted', 'changes-requested', 'rejected', 'withdrawn')),
        constraint use_cases_versions_order check (latest_version >= 1 and (serving_version is null or serving_version between 1 and latest_version)),
        constraint use_cases_approval_complete check (
          (serving_version is null) = (approval_reference is null) and (serving_version is null) = (valid_until is null)),
        constraint use_cases_validity_order check (valid_until is null or valid_from is null or valid_until > valid_from)
      );
      create index use_cases_valid_until on use_cases (valid_until) where state in ('approved', 'suspended');

      create table use_case_versions (
        tenant_id uuid not null,
        use_case_id uuid not null,
        version integer not null,
        state text not null default 'draft',
        purpose text not null,
        business_process text not null,
        data_classification_ceiling text not null,
        endpoint_ids uuid[] not null,
        risk_tier text not null,
        high_impact boolean not null default false,
        human_oversight text not null,
        owner text not null,
        contact text not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        decided_by text,
        decided_at timestamptz,
        primary key (tenant_id, use_case_id, version),
        foreign key (tenant_id, use_case_id) references use_cases (tenant_id, id),
        constraint use_case_versions_state_check check (state in
          ('draft', 'submitted', 'changes-requested', 'rejected', 'approved', 'superseded', 'withdrawn')),
        constraint use_case_versions_ceiling_check
          check (data_classification_ceiling in ('public', 'internal', 'confidential', 'personal-credit')),
        constraint use_case_versions_risk_check check (risk_tier in ('low', 'medium', 'high')),
        constraint use_case_versions_high_impact_tier check (not high_impact or risk_tier = 'high'),
        constraint use_case_versions_endpoints_bounded check (cardinality(endpoint_ids) between 1 and 32)
      );

      create table use_case_history (
        tenant_id uuid not null,
        id uuid not null default gen_random_uuid(),
        use_case_id uuid not null,
        version integer,
        action text not null,
        from_state text,
        to_state text not null,
        actor_subject text not null,
        actor_role text not null,
        comment text,
        occurred_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, use_case_id) references use_cases (tenant_id, id)
      );
      create index use_case_history_order on use_case_history (tenant_id, use_case_id, occurred_at, id);

      -- A service account (Keycloak client) is bound to one use case of its institution.
      create table service_account_use_cases (
        tenant_id uuid not null,
        client_id text not null,
        use_case_id uuid not null,
        bound_by text not null,
        bound_at timestamptz not null default now(),
        primary key (tenant_id, client_id),
        foreign key (tenant_id, use_case_id) references use_cases (tenant_id, id),
        constraint service_account_use_cases_client_format check (client_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$')
      );

      alter table api_keys add column use_case_id uuid,
        add constraint api_keys_use_case_fk foreign key (tenant_id, use_case_id) references use_cases (tenant_id, id);
      alter table usage_records add column use_case_id uuid;
      create index usage_records_use_case on usage_records (tenant_id, use_case_id, occurred_at) where use_case_id is not null;

      -- Members read their own; platform admins, regulators (read, review) and the gateway (system) all.
      -- Institutions write their own; regulators write review decisions; the expiry sweep is system.
      alter table use_cases enable row level security;
      alter table use_cases force row level security;
      create policy use_cases_read on use_cases for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'review', 'system'));
      create policy use_cases_tenant_insert on use_cases for insert to ai_commons_app
        with check (tenant_id = app_current_tenant());
      create policy use_cases_update on use_cases for update to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('review', 'system'))
        with check (tenant_id = app_current_tenant() or app_cross_tenant() in ('review', 'system'));
      grant select, insert, update on use_cases to ai_commons_app;

      alter table use_case_versions enable row level security;
      alter table use_case_versions force row level security;
      create policy use_case_versions_read on use_case_versions for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'review', 'system'));
      create policy use_case_versions_tenant_insert on use_case_versions for insert to ai_commons_app
        with check (tenant_id = app_current_tenant());
      create policy use_case_versions_update on use_case_versions for update to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() = 'review')
        with check (tenant_id = app_current_tenant() or app_cross_tenant() = 'review');
      grant select, insert, update on use_case_versions to ai_commons_app;

      alter table use_case_history enable row level security;
      alter table use_case_history force row level security;
      create policy use_case_history_read on use_case_history for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'review'));
      create policy use_case_history_append on use_case_history for insert to ai_commons_app
        with check (tenant_id = app_current_tenant() or app_cross_tenant() in ('review', 'system'));
      grant select, insert on use_case_history to ai_commons_app;

      alter table service_account_use_cases enable row level security;
      alter table service_account_use_cases force row level security;
      create policy service_account_use_cases_read on service_account_use_cases for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy service_account_use_cases_tenant_write on service_account_use_cases for all to ai_commons_app
        using (tenant_id = app_current_tenant()) with check (tenant_id = app_current_tenant());
      grant select, insert, update, delete on service_account_use_cases to ai_commons_app;

      -- A review decision is audited in its own transaction like every regulator action.
      create policy audit_events_review_append on audit_events for insert to ai_commons_app
        with check (app_cross_tenant() = 'review');

      -- Separation of duties, also in the database: approvals and review decisions only in a review.
      create function use_cases_guard() returns trigger language plpgsql as $$
        declare mode text := app_cross_tenant();
        begin
          if tg_op = 'INSERT' then
            if new.state <> 'draft' or new.serving_version is not null or new.approval_reference is not null then
              raise exception 'a use case starts as a draft without approval' using errcode = 'check_violation';
            end if;
            return new;
          end if;
          if mode <> 'review' and (new.serving_version is distinct from old.serving_version
              or new.approval_reference is distinct from old.approval_reference
              or new.valid_until is distinct from old.valid_until
              or (new.state is distinct from old.state and new.state in ('approved', 'suspended', 'changes-requested', 'rejected'))
              or (new.revision_state is distinct from old.revision_state and new.revision_state in ('changes-requested', 'rejected'))) then
            raise exception 'only a regulator''s review may decide on a use case' using errcode = 'insufficient_privilege';
          end if;
          if mode = 'review' and (new.name is distinct from old.name or new.latest_version is distinct from old.latest_version
              or new.tenant_id is distinct from old.tenant_id) then
            raise exception 'a review may change only review decisions' using errcode = 'insufficient_privilege';
          end if;
          if mode = 'system' and not (new.state = 'expired' and old.state in ('approved', 'suspended') and old.valid_until <= now()) then
            raise exception 'the platform may only expire an approval at the end of its validity' using errcode = 'insufficient_privilege';
          end if;
          return new;
        end $$;
      create trigger use_cases_guard before insert or update on use_cases for each row execute function use_cases_guard();

      create function use_case_versions_guard() returns trigger language plpgsql as $$
        declare mode text := app_cross_tenant();
        begin
          if tg_op = 'INSERT' then
            if new.state not in ('draft', 'submitted') or new.decided_by is not null then
              raise exception 'a version starts as a draft or a submission' using errcode = 'check_violation';
            end if;
            return new;
          end if;
          if mode <> 'review' and new.state is distinct from old.state
              and new.state in ('approved', 'superseded', 'changes-requested', 'rejected') then
            raise exception 'only a regulator''s review may decide on a version' using errcode = 'insufficient_privilege';
          end if;
          if mode = 'review' and (row(new.purpose, new.business_process, new.data_classification_ceiling, new.endpoint_ids,
              new.risk_tier, new.high_impact, new.human_oversight, new.owner, new.contact)
              is distinct from row(old.purpose, old.business_process, old.data_classification_ceiling, old.endpoint_ids,
              old.risk_tier, old.high_impact, old.human_oversight, old.owner, old.contact)) then
            raise exception 'a review may not change what the institution declared' using errcode = 'insufficient_privilege';
          end if;
          if old.state in ('approved', 'superseded') and mode <> 'review' and row(new.purpose, new.business_process,
              new.data_classification_ceiling, new.endpoint_ids, new.risk_tier, new.high_impact, new.human_oversight)
              is distinct from row(old.purpose, old.business_process, old.data_classification_ceiling, old.endpoint_ids,
              old.risk_tier, old.high_impact, old.human_oversight) then
            raise exception 'an approved version''s material fields are fixed: open a new version' using errcode = 'insufficient_privilege';
          end if;
          return new;
        end $$;
      create trigger use_case_versions_guard before insert or update on use_case_versions
        for each row execute function use_case_versions_guard();

      -- Gateways hold the serving use cases in memory and reload on change.
      create trigger use_cases_notify after insert or update or delete on use_cases
        for each statement execute function notify_routing_change();
      create trigger use_case_versions_notify after insert or update or delete on use_case_versions
        for each statement execute function notify_routing_change();
      create trigger service_account_use_cases_notify after insert or update or delete on service_account_use_cases
        for each statement execute function notify_routing_change();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop policy audit_events_review_append on audit_events;
      drop index usage_records_use_case;
      alter table usage_records drop column use_case_id;
      alter table api_keys drop constraint api_keys_use_case_fk, drop column use_case_id;
      drop table service_account_use_cases;
      drop table use_case_history;
      drop table use_case_versions;
      drop table use_cases;
      drop function use_case_versions_guard();
      drop function use_cases_guard();
      alter table institutions drop constraint institutions_use_case_enforcement_check, drop column use_case_enforcement;
    `);
  }
}
