import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Capacity pools and per-institution quotas (issue 4). A pool is platform configuration (everyone
 * may read that it exists); which endpoints draw on it and each member's quota are tenant-owned
 * rows (`tenant_id` in the key) that members read for themselves, platform admins and regulators
 * across institutions, and the gateway (`system`) to enforce. Only platform admins write. Every
 * change notifies `ai_commons_changes` so gateways reload their in-memory admission policies.
 */
export class QuotaPools1764800000000 implements MigrationInterface {
  name = 'QuotaPools1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create table quota_pools (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        description text not null default '',
        capacity_tokens_per_minute bigint not null,
        capacity_requests_per_minute bigint not null,
        capacity_concurrent_requests integer not null,
        headroom numeric(6, 5) not null default 0.1,
        monthly_cost_krw numeric(24, 0) not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint quota_pools_name_key unique (name),
        constraint quota_pools_name_format check (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
        constraint quota_pools_capacity_non_negative check (
          capacity_tokens_per_minute >= 0 and capacity_requests_per_minute >= 0 and capacity_concurrent_requests >= 0),
        constraint quota_pools_headroom_range check (headroom >= 0 and headroom < 1),
        constraint quota_pools_cost_non_negative check (monthly_cost_krw >= 0)
      );

      create table quota_pool_endpoints (
        tenant_id uuid not null,
        endpoint_id uuid not null,
        pool_id uuid not null references quota_pools (id) on delete cascade,
        created_at timestamptz not null default now(),
        primary key (tenant_id, endpoint_id),
        foreign key (tenant_id, endpoint_id) references endpoints (tenant_id, id)
      );
      create index quota_pool_endpoints_pool on quota_pool_endpoints (pool_id);

      create table quota_pool_members (
        tenant_id uuid not null references institutions (id),
        pool_id uuid not null references quota_pools (id) on delete cascade,
        weight_override numeric(16, 15),
        lending_limit jsonb not null default '{}',
        borrowing_limit jsonb not null default '{}',
        hard_cap jsonb not null default '{}',
        period_token_budget bigint,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, pool_id),
        constraint quota_pool_members_override_range check (weight_override is null or (weight_override >= 0 and weight_override <= 1)),
        constraint quota_pool_members_budget_non_negative check (period_token_budget is null or period_token_budget >= 0)
      );
      create index quota_pool_members_pool on quota_pool_members (pool_id);

      alter table quota_pools enable row level security;
      alter table quota_pools force row level security;
      create policy quota_pools_read on quota_pools for select to ai_commons_app using (true);
      create policy quota_pools_admin_write on quota_pools for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      grant select, insert, update, delete on quota_pools to ai_commons_app;

      alter table quota_pool_endpoints enable row level security;
      alter table quota_pool_endpoints force row level security;
      create policy quota_pool_endpoints_read on quota_pool_endpoints for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy quota_pool_endpoints_admin_write on quota_pool_endpoints for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      grant select, insert, update, delete on quota_pool_endpoints to ai_commons_app;

      alter table quota_pool_members enable row level security;
      alter table quota_pool_members force row level security;
      create policy quota_pool_members_read on quota_pool_members for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin', 'system'));
      create policy quota_pool_members_admin_write on quota_pool_members for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      grant select, insert, update, delete on quota_pool_members to ai_commons_app;

      -- Weights come from invested capital: admins and regulators read it (read/admin scopes), the
      -- gateway in the system scope (institutions_system_read). Members never see others' capital.
      create trigger quota_pools_notify after insert or update or delete on quota_pools
        for each statement execute function notify_routing_change();
      create trigger quota_pool_endpoints_notify after insert or update or delete on quota_pool_endpoints
        for each statement execute function notify_routing_change();
      create trigger quota_pool_members_notify after insert or update or delete on quota_pool_members
        for each statement execute function notify_routing_change();
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop table quota_pool_members;
      drop table quota_pool_endpoints;
      drop table quota_pools;
    `);
  }
}
