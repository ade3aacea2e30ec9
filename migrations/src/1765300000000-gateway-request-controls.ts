import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a caller may ask of an endpoint, and how low its data may be labelled:
 * - `endpoints.allowed_extra_fields`: request fields the endpoint forwards beyond its driver's
 *   allow-list (e.g. `chat_template_kwargs` on a dedicated vLLM). Empty by default: every field
 *   outside the allow-list is refused.
 * - `endpoints.max_choices`: the largest `n` (completions per request) the endpoint accepts.
 * - `institution_classification_floors` (tenant-owned): the lowest data classification any request
 *   of the institution may carry; a lower `x-data-classification` header is denied. Tenant admins
 *   write their own; platform admins any; the gateway (system) reads all, reloading on NOTIFY.
 */
export class GatewayRequestControls1765300000000 implements MigrationInterface {
  name = 'GatewayRequestControls1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints add column allowed_extra_fields text[] not null default '{}';
      alter table endpoints add constraint endpoints_allowed_extra_fields_format check (
        cardinality(allowed_extra_fields) <= 32
        and array_position(allowed_extra_fields, null) is null
        and array_to_string(allowed_extra_fields, ',') ~ '^([A-Za-z_][A-Za-z0-9_]{0,63}(,|$))*$'
      );
      alter table endpoints add column max_choices integer not null default 1;
      alter table endpoints add constraint endpoints_max_choices_range check (max_choices between 1 and 128);

      create table institution_classification_floors (
        tenant_id uuid not null references institutions (id),
        floor text not null,
        updated_by text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id),
        constraint institution_classification_floors_floor_check
          check (floor in ('public', 'internal', 'confidential', 'personal-credit'))
      );
      alter table institution_classification_floors enable row level security;
      alter table institution_classification_floors force row level security;
      create policy institution_classification_floors_read on institution_classification_floors for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy institution_classification_floors_write on institution_classification_floors for all to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() = 'admin')
        with check (tenant_id = app_current_tenant() or app_cross_tenant() = 'admin');
      grant select, insert, update, delete on institution_classification_floors to ai_commons_app;
      create trigger institution_classification_floors_notify after insert or update or delete on institution_classification_floors
        for each statement execute function notify_routing_change();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop trigger institution_classification_floors_notify on institution_classification_floors;
      drop table institution_classification_floors;
      alter table endpoints drop constraint endpoints_max_choices_range;
      alter table endpoints drop column max_choices;
      alter table endpoints drop constraint endpoints_allowed_extra_fields_format;
      alter table endpoints drop column allowed_extra_fields;
    `);
  }
}
