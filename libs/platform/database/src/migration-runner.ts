import { DataSource, type MigrationInterface } from 'typeorm';
import { explainMissingAuditOwner, withAuditOwnerLent } from './audit-owner-lending';

type MigrationClass = new () => MigrationInterface;

function ownerDataSource(url: string, migrations: MigrationClass[]): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 1, connectionTimeoutMillis: 5_000 },
  });
}

export interface MigrationOptions {
  /** Superuser connection that lends the owner the audit owner's role while the migrations run (see withAuditOwnerLent). */
  adminUrl?: string;
}

/** Applies pending migrations as the schema owner; returns the names applied. */
export async function runMigrations(ownerUrl: string, migrations: MigrationClass[], options: MigrationOptions = {}): Promise<string[]> {
  return withAuditOwnerLent(options.adminUrl, async () => {
    const dataSource = await ownerDataSource(ownerUrl, migrations).initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } catch (error) {
      throw explainMissingAuditOwner(error);
    } finally {
      await dataSource.destroy();
    }
  });
}

/** Reverts the last `steps` migrations (all of them with `Infinity`); returns the names reverted. */
export async function revertMigrations(ownerUrl: string, migrations: MigrationClass[], steps = 1, options: MigrationOptions = {}): Promise<string[]> {
  return withAuditOwnerLent(options.adminUrl, async () => {
    const dataSource = await ownerDataSource(ownerUrl, migrations).initialize();
    const reverted: string[] = [];
    try {
      while (reverted.length < steps) {
        const executed: { name: string }[] = await dataSource.query(`select name from schema_migrations order by timestamp desc limit 1`);
        if (executed.length === 0) break;
        await dataSource.undoLastMigration({ transaction: 'each' });
        reverted.push(executed[0].name);
      }
      return reverted;
    } catch (error) {
      throw explainMissingAuditOwner(error);
    } finally {
      await dataSource.destroy();
    }
  });
}
