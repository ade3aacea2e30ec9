import { DataSource, type MixedList, type EntitySchema } from 'typeorm';

export interface AppDataSourceOptions {
  url: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  poolSize: number;
  statementTimeoutMs: number;
  applicationName: string;
}

/** The application's pool, connecting as the app role. Never synchronizes the schema. */
export function createAppDataSource(options: AppDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: options.applicationName,
    extra: {
      max: options.poolSize,
      connectionTimeoutMillis: 5_000,
      statement_timeout: options.statementTimeoutMs,
      idle_in_transaction_session_timeout: options.statementTimeoutMs * 2,
    },
  });
}
