import { withPg } from '@ai-commons/testing';
import type { Client } from 'pg';
import { e2eDatabase, startControlPlane } from './support/environment';

/** RLS proven in SQL, as the app role: the database itself confines every transaction. */
describe('row-level security as the app role', () => {
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    // Seeds the demo consortium through the service (and closes again).
    await (await startControlPlane()).close();
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      const rows = await client.query('select id, slug from institutions');
      for (const row of rows.rows) ids[row.slug] = row.id;
    });
  });

  async function asApp<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return withPg(e2eDatabase().appUrl, work);
  }

  async function inTenant<T>(client: Client, tenantId: string, work: () => Promise<T>): Promise<T> {
    await client.query('begin');
    try {
      await client.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await work();
    } finally {
      await client.query('rollback');
    }
  }

  it('the app role is not superuser, owns nothing and cannot bypass RLS', async () => {
    await asApp(async (client) => {
      const role = await client.query('select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user');
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcreatedb: false });
      const owned = await client.query(`select count(*)::int as n from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = current_user`);
      expect(owned.rows[0].n).toBe(0);
    });
  });

  it('every table with tenant data has RLS enabled and forced, with policies', async () => {
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      const tables = await client.query(`
        select c.relname, c.relrowsecurity, c.relforcerowsecurity, c.relispartition,
               (select count(*) from pg_policies p where p.tablename = c.relname)::int as policies,
               has_table_privilege('ai_commons_app', c.oid, 'select,insert,update,delete') as app_privileges
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r' and c.relname <> 'schema_migrations'`);
      expect(tables.rows.length).toBeGreaterThanOrEqual(3);
      for (const table of tables.rows) {
        expect({ table: table.relname, rls: table.relrowsecurity, forced: table.relforcerowsecurity }).toEqual({
          table: table.relname,
          rls: true,
          forced: true,
        });
        // A partition (usage_records by month) has no policies and no grants: the application
        // reaches its rows only through the partitioned parent, whose policies apply.
        if (table.relispartition)
          expect({ table: table.relname, policies: table.policies, appPrivileges: table.app_privileges }).toEqual({
            table: table.relname,
            policies: 0,
            appPrivileges: false,
          });
        else expect(table.policies).toBeGreaterThan(0);
      }
    });
  });

  it('without a tenant context, nothing is visible', async () => {
    await asApp(async (client) => {
      for (const table of ['institutions', 'institution_status_history', 'audit_events', 'usage_records', 'usage_daily']) {
        const result = await client.query(`select count(*)::int as n from ${table}`);
        expect({ table, n: result.rows[0].n }).toEqual({ table, n: 0 });
      }
    });
  });

  it("with tenant A's context, no row of B is visible", async () => {
    await asApp(async (client) => {
      await inTenant(client, ids['hanbit-bank'], async () => {
        const institutions = await client.query('select slug from institutions');
        expect(institutions.rows.map((row) => row.slug)).toEqual(['hanbit-bank']);
        const history = await client.query('select distinct tenant_id from institution_status_history');
        expect(history.rows.map((row) => row.tenant_id)).toEqual([ids['hanbit-bank']]);
        const audit = await client.query('select count(*)::int as n from audit_events where tenant_id <> $1', [ids['hanbit-bank']]);
        expect(audit.rows[0].n).toBe(0);
      });
    });
  });

  it("with tenant A's context, B's rows cannot be written", async () => {
    await asApp(async (client) => {
      await inTenant(client, ids['hanbit-bank'], async () => {
        const update = await client.query(`update institutions set name_en = 'hijacked' where id = $1`, [ids['nuri-insurance']]);
        expect(update.rowCount).toBe(0);
      });
      await inTenant(client, ids['hanbit-bank'], async () => {
        await expect(
          client.query(`insert into institution_status_history (tenant_id, to_status, reason, actor_subject) values ($1, 'suspended', 'x', 'x')`, [
            ids['nuri-insurance'],
          ]),
        ).rejects.toThrow(/row-level security/);
      });
      await inTenant(client, ids['hanbit-bank'], async () => {
        await expect(
          client.query(`insert into audit_events (tenant_id, actor, action, resource_type, outcome) values ($1, '{}', 'forged', 'x', 'success')`, [
            ids['nuri-insurance'],
          ]),
        ).rejects.toThrow(/row-level security/);
      });
    });
    await withPg(e2eDatabase().superuserUrl, async (client) => {
      const rows = await client.query(`select name_en from institutions where id = $1`, [ids['nuri-insurance']]);
      expect(rows.rows[0].name_en).not.toBe('hijacked');
    });
  });

  it('the tenant setting is transaction-local: a pooled connection carries nothing over', async () => {
    await asApp(async (client) => {
      await inTenant(client, ids['hanbit-bank'], async () => {
        expect((await client.query('select count(*)::int as n from institutions')).rows[0].n).toBe(1);
      });
      expect((await client.query('select count(*)::int as n from institutions')).rows[0].n).toBe(0);
      expect((await client.query(`select current_setting('app.tenant_id', true) as t`)).rows[0].t ?? '').toBe('');
    });
  });

  it('audit events are append-only for the app role', async () => {
    await asApp(async (client) => {
      await client.query('begin');
      await client.query(`select set_config('app.cross_tenant', 'admin', true)`);
      await expect(client.query(`update audit_events set action = 'x'`)).rejects.toThrow(/append-only|permission denied/);
      await client.query('rollback');
      await client.query('begin');
      await client.query(`select set_config('app.cross_tenant', 'admin', true)`);
      await expect(client.query(`delete from audit_events`)).rejects.toThrow(/append-only|permission denied/);
      await client.query('rollback');
      await expect(client.query(`truncate audit_events`)).rejects.toThrow(/append-only|permission denied/);
    });
  });
});
