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
        (await client.query(`select tablename from pg_tables where schemaname = 'public' and tablename <> 'schema_migrations' order by 1`)).rows.map((row) => row.tablename),
      );

    expect(await tables()).toEqual([]);
    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual(expect.arrayContaining(['audit_events', 'institution_status_history', 'institutions']));
    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toEqual([]);

    expect(await revertMigrations(database.ownerUrl, ALL_MIGRATIONS, Infinity, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
    expect(await tables()).toEqual([]);
    const functions = await withPg(database.superuserUrl, async (client) =>
      (await client.query(`select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'`)).rows,
    );
    expect(functions).toEqual([]);

    expect(await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl: database.adminUrl })).toHaveLength(ALL_MIGRATIONS.length);
  });
});
