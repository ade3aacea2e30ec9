import { createHash, randomBytes } from 'node:crypto';
import { revertMigrations, runMigrations } from '@ai-commons/database';
import { ALL_MIGRATIONS, UseCaseRegister1765700000000 } from '@ai-commons/migrations';
import { createTestDatabase, dropTestDatabase, withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

describe('use-case register migration', () => {
  const name = `ai_commons_uc_migration_${process.pid}`;
  afterAll(() => dropTestDatabase(e2eDatabase().adminUrl, name));

  it('puts existing institutions in report-only (their unbound keys keep serving); new ones start in enforce; reverts cleanly', async () => {
    const database = await createTestDatabase(e2eDatabase().adminUrl, name, false);
    // The migrations up to the register, without and with it (later ones are not this test's).
    const upTo = ALL_MIGRATIONS.slice(0, ALL_MIGRATIONS.indexOf(UseCaseRegister1765700000000) + 1);
    const before = upTo.slice(0, -1);
    await runMigrations(database.ownerUrl, before, { adminUrl: database.adminUrl });
    const sql = (text: string, params: unknown[] = []) => withPg(database.superuserUrl, async (client) => (await client.query(text, params)).rows);

    const [existing] = await sql(
      `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw) values ('old-bank', '옛은행', 'Old Bank', 'bank', 1000) returning id`,
    );
    const secret = `aic_${randomBytes(32).toString('base64url')}`;
    await sql(`insert into api_keys (tenant_id, name, key_prefix, secret_hash, created_by) values ($1, 'legacy', $2, $3, 'tests')`, [
      existing.id,
      secret.slice(0, 12),
      createHash('sha256').update(secret).digest(),
    ]);

    expect(await runMigrations(database.ownerUrl, upTo, { adminUrl: database.adminUrl })).toEqual(['UseCaseRegister1765700000000']);
    expect(await sql(`select use_case_enforcement from institutions where id = $1`, [existing.id])).toEqual([{ use_case_enforcement: 'report-only' }]);
    expect(await sql(`select use_case_id from api_keys where tenant_id = $1`, [existing.id])).toEqual([{ use_case_id: null }]);
    const [created] = await sql(
      `insert into institutions (slug, name_ko, name_en, sector, invested_capital_krw) values ('new-bank', '새은행', 'New Bank', 'bank', 1000) returning use_case_enforcement`,
    );
    expect(created.use_case_enforcement).toBe('enforce');

    expect(await revertMigrations(database.ownerUrl, upTo, 1, { adminUrl: database.adminUrl })).toEqual(['UseCaseRegister1765700000000']);
    const columns = await sql(`select column_name from information_schema.columns where table_name = 'institutions' and column_name = 'use_case_enforcement'`);
    expect(columns).toEqual([]);
    expect(await sql(`select count(*)::int as n from api_keys`)).toEqual([{ n: 1 }]);
  });
});
