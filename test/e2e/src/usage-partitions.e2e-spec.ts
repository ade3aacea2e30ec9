import { UsagePartitionMaintenance } from '@ai-commons/database';
import { withPg } from '@ai-commons/testing';
import { e2eDatabase } from './support/environment';

const superuser = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
  withPg(e2eDatabase().superuserUrl, async (pg) => (await pg.query(text, parameters)).rows as T[]);
const asApp = <T = Record<string, unknown>>(text: string, parameters: unknown[] = []) =>
  withPg(e2eDatabase().appUrl, async (pg) => (await pg.query(text, parameters)).rows as T[]);

/** The partition of the KST month `monthsFromNow` away, named like the database names it. */
function partitionName(monthsFromNow: number): string {
  const kst = new Date(Date.now() + 9 * 3_600_000);
  const month = new Date(Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() + monthsFromNow, 1));
  return `usage_records_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

const partitions = async () =>
  await superuser<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
    `select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'usage_records'::regclass order by 1`,
  );

describe('usage_records partitioned by month', () => {
  it('is a partitioned table with RLS forced on the parent and on every partition, months created ahead (and the previous one, for late records)', async () => {
    const [parent] = await superuser<{ relkind: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `select relkind, relrowsecurity, relforcerowsecurity from pg_class where relname = 'usage_records'`,
    );
    expect(parent).toEqual({ relkind: 'p', relrowsecurity: true, relforcerowsecurity: true });
    const maintenance = new UsagePartitionMaintenance({ connectionString: e2eDatabase().appUrl, intervalMs: 60_000, aheadMonths: 6, retentionMonths: 60 });
    await maintenance.runOnce();
    const names = (await partitions()).map((partition) => partition.relname);
    for (let ahead = -1; ahead <= 6; ahead++) expect(names).toContain(partitionName(ahead));
    expect((await partitions()).every((partition) => partition.relrowsecurity && partition.relforcerowsecurity)).toBe(true);
    // Idempotent: a second run (a new leader) creates nothing.
    expect((await maintenance.runOnce()).created).toBe(0);
  });

  it('lets the application reach rows only through the parent', async () => {
    await expect(asApp(`select * from ${partitionName(0)}`)).rejects.toThrow(/permission denied/);
    await expect(asApp(`create table usage_records_y2100m01 partition of usage_records for values from ('2100-01-01') to ('2100-02-01')`)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('drops only whole months past retention, and never keeps less than 60 months', async () => {
    const old = partitionName(-62);
    await superuser(`select usage_records_create_partition(usage_records_month_start(now() - interval '62 months'))`);
    const recent = partitionName(-59);
    await superuser(`select usage_records_create_partition(usage_records_month_start(now() - interval '59 months'))`);
    await expect(asApp(`select usage_records_drop_partitions_older_than(59)`)).rejects.toThrow(/at least 60 months/);
    const [{ dropped }] = await asApp<{ dropped: string[] }>(`select usage_records_drop_partitions_older_than(60) as dropped`);
    expect(dropped).toContain(old);
    const names = (await partitions()).map((partition) => partition.relname);
    expect(names).not.toContain(old);
    expect(names).toContain(recent);
    expect(names).toContain(partitionName(0));
  });
});
