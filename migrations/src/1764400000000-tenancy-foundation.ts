import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenancy foundation: RLS helper functions, member institutions with status history, and the
 * append-only audit table behind the audit port.
 *
 * RLS model: every tenant-owned table is ENABLE + FORCE row level security. The app role sees a
 * row when its tenant_id equals the transaction's `app.tenant_id`, or when the transaction runs in
 * the explicit cross-tenant mode (`app.cross_tenant` = 'read' | 'admin'). Without either: no rows.
 */
export class TenancyFoundation1764400000000 implements MigrationInterface {
  name = 'TenancyFoundation1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      create function app_current_tenant() returns uuid
        language sql stable parallel safe
        as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;
      create function app_cross_tenant() returns text
        language sql stable parallel safe
        as $$ select coalesce(nullif(current_setting('app.cross_tenant', true), ''), 'none') $$;

      create table institutions (
        id uuid primary key default gen_random_uuid(),
        slug text not null,
        name_ko text not null,
        name_en text not null,
        sector text not null,
        invested_capital_krw numeric(24, 0) not null,
        status text not null default 'active',
        data_classification_ceiling text not null default 'internal',
        contacts jsonb not null default '[]',
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint institutions_slug_key unique (slug),
        constraint institutions_slug_format check (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
        constraint institutions_sector_check check (sector in ('bank', 'insurance', 'securities', 'card', 'other')),
        constraint institutions_capital_positive check (invested_capital_krw > 0),
        constraint institutions_status_check check (status in ('active', 'suspended', 'offboarded')),
        constraint institutions_ceiling_check
          check (data_classification_ceiling in ('public', 'internal', 'confidential', 'personal-credit')),
        constraint institutions_contacts_array check (jsonb_typeof(contacts) = 'array')
      );
      alter table institutions enable row level security;
      alter table institutions force row level security;
      create policy institutions_read on institutions for select to ai_commons_app
        using (id = app_current_tenant() or app_cross_tenant() in ('read', 'admin'));
      create policy institutions_admin_write on institutions for all to ai_commons_app
        using (app_cross_tenant() = 'admin') with check (app_cross_tenant() = 'admin');
      -- Lets the SECURITY DEFINER functions below (owned by the owner) see every row; nothing else.
      create policy institutions_owner_functions on institutions for select to ai_commons_owner using (true);
      grant select, insert, update on institutions to ai_commons_app;

      create table institution_status_history (
        tenant_id uuid not null references institutions (id),
        id uuid not null default gen_random_uuid(),
        from_status text,
        to_status text not null,
        reason text not null,
        actor_subject text not null,
        changed_at timestamptz not null default now(),
        primary key (tenant_id, id)
      );
      create index institution_status_history_order on institution_status_history (tenant_id, changed_at, id);
      alter table institution_status_history enable row level security;
      alter table institution_status_history force row level security;
      create policy institution_status_history_read on institution_status_history for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin'));
      create policy institution_status_history_admin_write on institution_status_history for insert to ai_commons_app
        with check (app_cross_tenant() = 'admin');
      grant select, insert on institution_status_history to ai_commons_app;

      -- Resolves the institution a credential names, before any tenant scope exists. Returns only
      -- the directory fields (id, slug, status), never capital, names or contacts.
      create function institution_directory_lookup(p_slug text)
        returns table (id uuid, slug text, status text)
        language sql stable security definer set search_path = public
        as $$ select i.id, i.slug, i.status from institutions i where i.slug = p_slug $$;
      revoke all on function institution_directory_lookup(text) from public;
      grant execute on function institution_directory_lookup(text) to ai_commons_app;

      -- Total capital of active members, the denominator of every investment weight. An aggregate
      -- only: a member learns its own weight, not another member's capital.
      create function consortium_invested_capital_krw() returns numeric
        language sql stable security definer set search_path = public
        as $$ select coalesce(sum(invested_capital_krw), 0) from institutions where status = 'active' $$;
      revoke all on function consortium_invested_capital_krw() from public;
      grant execute on function consortium_invested_capital_krw() to ai_commons_app;

      create table audit_events (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid,
        occurred_at timestamptz not null default clock_timestamp(),
        request_id text,
        actor jsonb not null,
        action text not null,
        resource_type text not null,
        resource_id text,
        outcome text not null,
        details jsonb not null default '{}',
        constraint audit_events_outcome_check check (outcome in ('success', 'denied', 'failure'))
      );
      create index audit_events_tenant_time on audit_events (tenant_id, occurred_at, id);
      create index audit_events_time on audit_events (occurred_at, id);
      alter table audit_events enable row level security;
      alter table audit_events force row level security;
      create policy audit_events_read on audit_events for select to ai_commons_app
        using (tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin'));
      create policy audit_events_append on audit_events for insert to ai_commons_app
        with check (tenant_id is null or tenant_id = app_current_tenant() or app_cross_tenant() in ('read', 'admin'));
      create function audit_events_reject_change() returns trigger language plpgsql as $$
        begin raise exception 'audit_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege'; end $$;
      create trigger audit_events_no_update_delete before update or delete on audit_events
        for each row execute function audit_events_reject_change();
      create trigger audit_events_no_truncate before truncate on audit_events
        for each statement execute function audit_events_reject_change();
      alter table audit_events owner to ai_commons_audit_owner;
      grant select, insert on audit_events to ai_commons_app;
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop table audit_events;
      drop function audit_events_reject_change();
      drop function consortium_invested_capital_krw();
      drop function institution_directory_lookup(text);
      drop table institution_status_history;
      drop table institutions;
      drop function app_cross_tenant();
      drop function app_current_tenant();
    `);
  }
}
