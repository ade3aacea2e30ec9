import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Endpoints over several replicas (issue 17): `endpoint_targets` holds an endpoint's upstream
 * replicas, each with a weight, a state (`active`, or `draining`: no new requests) and its own
 * probe result. It becomes the one home of upstream addresses: each endpoint's `upstream_url` is
 * moved into one target and the column dropped (down puts the oldest target's URL back).
 *
 * `endpoints.load_balancing` says how the gateway spreads requests over the targets:
 * `least-outstanding` (default), `round-robin`, or `prefix-affinity` (least-outstanding, but a
 * request sharing a long prompt prefix goes to the replica that served it recently).
 *
 * Like the endpoints: members read their institution's, admins and regulators all, platform admins
 * write, the health prober (system) records probe results; a change notifies the gateways.
 */
export class EndpointTargets1765900000000 implements MigrationInterface {
  name = 'EndpointTargets1765900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table endpoint_targets (
        tenant_id uuid not null,
        id uuid not null default gen_random_uuid(),
        endpoint_id uuid not null,
        url text not null,
        weight integer not null default 1,
        state text not null default 'active',
        health text not null default 'unknown',
        health_checked_at timestamptz,
        health_detail text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        constraint endpoint_targets_id_key unique (id),
        constraint endpoint_targets_url_key unique (tenant_id, endpoint_id, url),
        foreign key (tenant_id, endpoint_id) references endpoints (tenant_id, id),
        constraint endpoint_targets_weight_range check (weight between 1 and 1000),
        constraint endpoint_targets_state_check check (state in ('active', 'draining')),
        constraint endpoint_targets_health_check check (health in ('unknown', 'healthy', 'unhealthy'))
      );
      create index endpoint_targets_by_endpoint on endpoint_targets (tenant_id, endpoint_id, created_at, id);

      -- Row-level security is forced on the owner too (its policies name only the app role): the
      -- copy reads the endpoints with it lifted, before the new table's policies are switched on.
      alter table endpoints no force row level security;
      insert into endpoint_targets (tenant_id, endpoint_id, url, health, health_checked_at, health_detail, created_at)
        select tenant_id, id, upstream_url, health, health_checked_at, health_detail, created_at from endpoints;
      alter table endpoints force row level security;

      alter table endpoint_targets enable row level security;
      alter table endpoint_targets force row level security;
      create policy endpoint_targets_read on endpoint_targets for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy endpoint_targets_admin_write on endpoint_targets for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      create policy endpoint_targets_system_health on endpoint_targets for update to ai_commons_app
        using (app_cross_tenant() = 'system') with check (app_cross_tenant() = 'system');
      grant select, insert, update, delete on endpoint_targets to ai_commons_app;
      create trigger endpoint_targets_notify after insert or update or delete on endpoint_targets
        for each statement execute function notify_routing_change();

      alter table endpoints drop column upstream_url;
      alter table endpoints add column load_balancing text not null default 'least-outstanding',
        add constraint endpoints_load_balancing_check check (load_balancing in ('least-outstanding', 'round-robin', 'prefix-affinity'));
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table endpoints drop constraint endpoints_load_balancing_check, drop column load_balancing;
      alter table endpoints add column upstream_url text;
      alter table endpoints no force row level security;
      alter table endpoint_targets no force row level security;
      update endpoints e set upstream_url = (
        select t.url from endpoint_targets t where t.tenant_id = e.tenant_id and t.endpoint_id = e.id order by t.created_at, t.id limit 1);
      update endpoints set upstream_url = 'http://127.0.0.1:9' where upstream_url is null;
      alter table endpoints force row level security;
      alter table endpoints alter column upstream_url set not null;
      drop trigger endpoint_targets_notify on endpoint_targets;
      drop table endpoint_targets;
    `);
  }
}
