import { DataSource, type MigrationInterface } from 'typeorm';

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

/** Applies pending migrations as the schema owner; returns the names applied. */
export async function runMigrations(ownerUrl: string, migrations: MigrationClass[]): Promise<string[]> {
  const dataSource = await ownerDataSource(ownerUrl, migrations).initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Reverts the last `steps` migrations (all of them with `Infinity`); returns the names reverted. */
export async function revertMigrations(
  ownerUrl: string,
  migrations: MigrationClass[],
  steps = 1,
): Promise<string[]> {
  const dataSource = await ownerDataSource(ownerUrl, migrations).initialize();
  const reverted: string[] = [];
  try {
    while (reverted.length < steps) {
      const executed: { name: string }[] = await dataSource.query(
        `select name from schema_migrations order by timestamp desc limit 1`,
      );
      if (executed.length === 0) break;
      await dataSource.undoLastMigration({ transaction: 'each' });
      reverted.push(executed[0].name);
    }
    return reverted;
  } finally {
    await dataSource.destroy();
  }
}
