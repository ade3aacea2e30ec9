import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model catalog (platform-wide), per-institution endpoints with write-only encrypted upstream
 * credentials, API keys, and gateway usage records. A change to endpoints, API keys or
 * institutions notifies `ai_commons_changes` so gateways refresh their in-memory routing tables.
 *
 * `app.cross_tenant = 'system'` is the platform's own services (the gateway's usage recorder and
 * routing-table loader): they read all routing data and append usage for any institution.
 */
export class CatalogEndpointsUsage1764500000000 implements MigrationInterface {
  name = 'CatalogEndpointsUsage1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table models (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        family text not null,
        kind text not null,
        provider text not null,
        licence text not null,
        parameter_count_billions numeric(10, 2),
        context_window integer not null,
        modalities text[] not null default '{text}',
        mmlu_score numeric(5, 2),
        price_input_per_1k_tokens_krw numeric(14, 4) not null default 0,
        price_output_per_1k_tokens_krw numeric(14, 4) not null default 0,
        status text not null default 'available',
        created_at timestamptz not null default now(),
        retired_at timestamptz,
        constraint models_name_key unique (name),
        constraint models_kind_check check (kind in ('open', 'commercial')),
        constraint models_context_window_positive check (context_window > 0),
        constraint models_mmlu_range check (mmlu_score is null or mmlu_score between 0 and 100),
        constraint models_prices_non_negative check (price_input_per_1k_tokens_krw >= 0 and price_output_per_1k_tokens_krw >= 0),
        constraint models_status_check check (status in ('available', 'retired'))
      );

      create table model_offerings (
        id uuid primary key default gen_random_uuid(),
        model_id uuid not null references models (id),
        hosting text not null,
        region text not null,
        network_zone text not null,
        operator text not null,
        authority_confirmation_ref text,
        authority_confirmation_expires_at timestamptz,
        status text not null default 'available',
        created_at timestamptz not null default now(),
        retired_at timestamptz,
        constraint model_offerings_hosting_check
          check (hosting in ('shared-infrastructure', 'dedicated-on-premises', 'cloud-commercial')),
        constraint model_offerings_region_check check (region ~ '^[A-Z]{2}$'),
        constraint model_offerings_zone_check check (network_zone in ('internal', 'internet')),
        constraint model_offerings_status_check check (status in ('available', 'retired')),
        constraint model_offerings_confirmation_pair
          check ((authority_confirmation_ref is null) = (authority_confirmation_expires_at is null))
      );

      create table endpoints (
        tenant_id uuid not null references institutions (id),
        id uuid not null default gen_random_uuid(),
        name text not null,
        offering_id uuid not null references model_offerings (id),
        isolation_mode text not null,
        driver text not null,
        upstream_url text not null,
        upstream_model text not null,
        azure_deployment text,
        azure_api_version text,
        state text not null default 'provisioning',
        health text not null default 'unknown',
        health_checked_at timestamptz,
        health_detail text,
        max_request_bytes integer not null default 1048576,
        max_output_tokens integer not null default 4096,
        default_max_tokens integer not null default 1024,
        connect_timeout_ms integer not null default 2000,
        first_byte_timeout_ms integer not null default 30000,
        request_timeout_ms integer not null default 120000,
        credential_ciphertext bytea,
        credential_key_id text,
        credential_fingerprint text,
        credential_rotated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        constraint endpoints_id_key unique (id),
        constraint endpoints_name_key unique (tenant_id, name),
        constraint endpoints_name_format check (name ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$'),
        constraint endpoints_isolation_check check (isolation_mode in ('dedicated', 'shared-pool')),
        constraint endpoints_driver_check check (driver in ('openai-compatible', 'azure-openai', 'simulator')),
        constraint endpoints_state_check check (state in ('provisioning', 'active', 'draining', 'retired')),
        constraint endpoints_health_check check (health in ('unknown', 'healthy', 'unhealthy')),
        constraint endpoints_limits_positive check (
          max_request_bytes > 0 and max_output_tokens > 0 and default_max_tokens > 0
          and default_max_tokens <= max_output_tokens and connect_timeout_ms > 0
          and first_byte_timeout_ms > 0 and request_timeout_ms > 0),
        constraint endpoints_azure_fields check (
          driver <> 'azure-openai' or (azure_deployment is not null and azure_api_version is not null)),
        constraint endpoints_credential_complete check (
          (credential_ciphertext is null) = (credential_key_id is null) and
          (credential_ciphertext is null) = (credential_fingerprint is null))
      );

      create table endpoint_state_history (
        tenant_id uuid not null,
        id uuid not null default gen_random_uuid(),
        endpoint_id uuid not null,
        from_state text,
        to_state text not null,
        reason text not null,
        actor_subject text not null,
        changed_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, endpoint_id) references endpoints (tenant_id, id)
      );
      create index endpoint_state_history_order on endpoint_state_history (tenant_id, endpoint_id, changed_at, id);

      create table api_keys (
        tenant_id uuid not null references institutions (id),
        id uuid not null default gen_random_uuid(),
        name text not null,
        key_prefix text not null,
        secret_hash bytea not null,
        endpoint_ids uuid[],
        default_classification text not null default 'internal',
        expires_at timestamptz,
        revoked_at timestamptz,
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        constraint api_keys_secret_hash_key unique (secret_hash),
        constraint api_keys_name_key unique (tenant_id, name),
        constraint api_keys_classification_check
          check (default_classification in ('public', 'internal', 'confidential', 'personal-credit'))
      );

      create table usage_records (
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
        primary key (tenant_id, id),
        constraint usage_records_tokens_non_negative check (prompt_tokens >= 0 and completion_tokens >= 0),
        constraint usage_records_outcome_check check (outcome in ('success', 'upstream_error', 'client_error', 'rejected', 'cancelled'))
      );
      create index usage_records_report on usage_records (tenant_id, occurred_at);

      -- Platform catalog: everyone reads, platform admins write.
      alter table models enable row level security;
      alter table models force row level security;
      create policy models_read on models for select to ai_commons_app using (true);
      create policy models_admin_write on models for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      alter table model_offerings enable row level security;
      alter table model_offerings force row level security;
      create policy model_offerings_read on model_offerings for select to ai_commons_app using (true);
      create policy model_offerings_admin_write on model_offerings for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      grant select, insert, update on models, model_offerings to ai_commons_app;

      -- Endpoints: members read their own; admins and regulators all; only platform admins write.
      alter table endpoints enable row level security;
      alter table endpoints force row level security;
      create policy endpoints_read on endpoints for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy endpoints_admin_write on endpoints for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      -- The health prober (a platform service) records probe results.
      create policy endpoints_system_health on endpoints for update to ai_commons_app
        using (app_cross_tenant() = 'system') with check (app_cross_tenant() = 'system');
      grant select, insert, update on endpoints to ai_commons_app;

      alter table endpoint_state_history enable row level security;
      alter table endpoint_state_history force row level security;
      create policy endpoint_state_history_read on endpoint_state_history for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin'));
      create policy endpoint_state_history_admin_write on endpoint_state_history for insert to ai_commons_app
        with check (app_cross_tenant() = 'admin');
      grant select, insert on endpoint_state_history to ai_commons_app;

      -- API keys: tenant admins manage their institution's keys; the gateway loads all (system).
      alter table api_keys enable row level security;
      alter table api_keys force row level security;
      create policy api_keys_read on api_keys for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy api_keys_tenant_write on api_keys for all to ai_commons_app
        using (tenant_id = app_current_tenant()) with check (tenant_id = app_current_tenant());
      grant select, insert, update on api_keys to ai_commons_app;

      -- Usage: members read their own; the gateway (system) appends for everyone.
      alter table usage_records enable row level security;
      alter table usage_records force row level security;
      create policy usage_records_read on usage_records for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy usage_records_system_append on usage_records for insert to ai_commons_app
        with check (app_cross_tenant() = 'system');
      grant select, insert on usage_records to ai_commons_app;

      -- The platform services' cross-tenant mode also reads institutions (routing needs status).
      create policy institutions_system_read on institutions for select to ai_commons_app
        using (app_cross_tenant() = 'system');

      create function notify_routing_change() returns trigger language plpgsql as $$
        begin
          perform pg_notify('ai_commons_changes', json_build_object('table', tg_table_name, 'op', tg_op)::text);
          return null;
        end $$;
      create trigger endpoints_notify after insert or update or delete on endpoints
        for each statement execute function notify_routing_change();
      create trigger api_keys_notify after insert or update or delete on api_keys
        for each statement execute function notify_routing_change();
      create trigger institutions_notify after insert or update or delete on institutions
        for each statement execute function notify_routing_change();
      create trigger model_offerings_notify after insert or update or delete on model_offerings
        for each statement execute function notify_routing_change();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop trigger model_offerings_notify on model_offerings;
      drop trigger institutions_notify on institutions;
      drop trigger api_keys_notify on api_keys;
      drop trigger endpoints_notify on endpoints;
      drop function notify_routing_change();
      drop policy institutions_system_read on institutions;
      drop table usage_records;
      drop table api_keys;
      drop table endpoint_state_history;
      drop table endpoints;
      drop table model_offerings;
      drop table models;
    `);
  }
}
