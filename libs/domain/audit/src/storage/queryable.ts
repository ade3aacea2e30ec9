import type { Client, PoolClient } from 'pg';

/** Runs one statement and returns its rows: the one database shape the audit log's storage code needs. */
export type Queryable = <T = Record<string, unknown>>(sql: string, parameters?: unknown[]) => Promise<T[]>;

/** A TypeORM EntityManager (or anything whose `query` resolves to the rows of a SELECT). */
export function queryableOf(executor: { query(sql: string, parameters?: unknown[]): Promise<unknown> }): Queryable {
  return async <T>(sql: string, parameters?: unknown[]) => (await executor.query(sql, parameters)) as T[];
}

/** A node-postgres client. */
export function queryableOfPg(client: Client | PoolClient): Queryable {
  return async <T>(sql: string, parameters?: unknown[]) => (await client.query(sql, parameters)).rows as T[];
}
