import { revertMigrations, runMigrations } from '@ai-commons/database';
import { ALL_MIGRATIONS } from '@ai-commons/migrations';
import { createTestDatabase, dropTestDatabase, withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

describe('migrations', () => {
  const name = `ai_commons_migrations_${process.pid}`;
  afterAll(() => dropTestDatabase(e2eDatabase().adminUrl, name));

  it('go up on an empty database, all the way down, and up again', async () => {
    const database = await createTestDatabase(e2eDatabase().adminUrl, name, false);
    const tables = () =>
      withPg(database.superuserUrl, async (client) =>
        (await client.query(`select tablename from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations' order by 1`)).rows.map(
          (row) => row.tablename,
        ),
      );

    expect(await tables()).toEqual([]);
    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual(expect.arrayContaining(['audit_events', 'institution_status_history', 'institutions']));
    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toEqual([]);

    expect(await revertMigrations(database.ownerUrl, ALL_MIGRATIONS, Infinity, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual([]);
    const functions = await withPg(
      database.superuserUrl,
      async (client) => (await client.query(`select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`)).rows,
    );
    expect(functions).toEqual([]);

    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
  });

  it("rewrite 'simulator' endpoints as 'openai-compatible' (row-level security forced) and narrow the driver check; down widens it again", async () => {
    const retiring = `${name}_simulator`;
    // The migrations up to this one (later ones, e.g. the use-case register, are not its concern).
    const upTo = ALL_MIGRATIONS.slice(0, ALL_MIGRATIONS.findIndex((migration) => migration.name === 'SimulatorDriverRetired1765600000000') + 1);
    try {
      const database = await createTestDatabase(e2eDatabase().adminUrl, retiring, false);
      await runMigrations(database.ownerUrl, upTo, { adminUrl: database.adminUrl });
      expect(await revertMigrations(database.ownerUrl, upTo, 1, { adminUrl: database.adminUrl })).toEqual(['SimulatorDriverRetired1765600000000']);
      // A pre-existing simulator endpoint (foreign keys skipped: only the driver matters here).
      await withPg(database.superuserUrl, (client) =>
        client.query(`set session_replication_role = replica;
          insert into endpoints (tenant_id, id, name, offering_id, isolation_mode, driver, upstream_url, upstream_model, state)
          values (gen_random_uuid(), gen_random_uuid(), 'sim', gen_random_uuid(), 'shared-pool', 'simulator', 'http://127.0.0.1:9', 'm', 'active')`),
      );
      expect(await runMigrations(database.ownerUrl, upTo, { adminUrl: database.adminUrl })).toHaveLength(1);
      const drivers = async () =>
        withPg(database.superuserUrl, async (client) => (await client.query(`select driver from endpoints`)).rows.map((row) => row.driver));
      expect(await drivers()).toEqual(['openai-compatible']);
      const forced = await withPg(
        database.superuserUrl,
        async (client) => (await client.query(`select relforcerowsecurity from pg_class where relname = 'endpoints'`)).rows[0].relforcerowsecurity,
      );
      expect(forced).toBe(true);
      await expect(withPg(database.superuserUrl, (client) => client.query(`update endpoints set driver = 'simulator'`))).rejects.toThrow(
        /endpoints_driver_check/,
      );
      await revertMigrations(database.ownerUrl, upTo, 1, { adminUrl: database.adminUrl });
      await withPg(database.superuserUrl, (client) => client.query(`update endpoints set driver = 'simulator'`));
      expect(await drivers()).toEqual(['simulator']);
    } finally {
      await dropTestDatabase(e2eDatabase().adminUrl, retiring);
    }
  });

  it("move each endpoint's upstream URL into one target (row-level security forced on both tables); down puts the oldest target's URL back", async () => {
    const name2 = `${name}_targets`;
    const index = ALL_MIGRATIONS.findIndex((migration) => migration.name === 'EndpointTargets1765900000000');
    const before = ALL_MIGRATIONS.slice(0, index);
    const upTo = ALL_MIGRATIONS.slice(0, index + 1);
    try {
      const database = await createTestDatabase(e2eDatabase().adminUrl, name2, false);
      await runMigrations(database.ownerUrl, before, { adminUrl: database.adminUrl });
      const query = async (sql: string) => withPg(database.superuserUrl, async (client) => (await client.query(sql)).rows);
      await query(`set session_replication_role = replica;
        insert into endpoints (tenant_id, id, name, offering_id, isolation_mode, driver, upstream_url, upstream_model, state, health)
        values ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', 'm', gen_random_uuid(), 'shared-pool',
                'openai-compatible', 'http://10.0.0.1:8000', 'm', 'active', 'healthy')`);
      expect(await runMigrations(database.ownerUrl, upTo, { adminUrl: database.adminUrl })).toEqual(['EndpointTargets1765900000000']);
      expect(await query(`select tenant_id, endpoint_id, url, weight, state, health from endpoint_targets`)).toEqual([
        {
          tenant_id: '00000000-0000-4000-8000-00000000000a',
          endpoint_id: '00000000-0000-4000-8000-00000000000b',
          url: 'http://10.0.0.1:8000',
          weight: 1,
          state: 'active',
          health: 'healthy',
        },
      ]);
      expect(await query(`select column_name from information_schema.columns where table_name = 'endpoints' and column_name = 'upstream_url'`)).toEqual([]);
      expect(
        await query(`select relname, relrowsecurity, relforcerowsecurity from pg_class where relname in ('endpoints', 'endpoint_targets') order by 1`),
      ).toEqual([
        { relname: 'endpoint_targets', relrowsecurity: true, relforcerowsecurity: true },
        { relname: 'endpoints', relrowsecurity: true, relforcerowsecurity: true },
      ]);
      await query(`set session_replication_role = replica;
        insert into endpoint_targets (tenant_id, endpoint_id, url, created_at) values
        ('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', 'http://10.0.0.2:8000', now() + interval '1 hour')`);
      expect(await revertMigrations(database.ownerUrl, upTo, 1, { adminUrl: database.adminUrl })).toEqual(['EndpointTargets1765900000000']);
      expect(await query(`select upstream_url from endpoints`)).toEqual([{ upstream_url: 'http://10.0.0.1:8000' }]);
      expect(await query(`select relforcerowsecurity from pg_class where relname = 'endpoints'`)).toEqual([{ relforcerowsecurity: true }]);
    } finally {
      await dropTestDatabase(e2eDatabase().adminUrl, name2);
    }
  });
});
