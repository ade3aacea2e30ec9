import net from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { bootstrapDatabase, runMigrations, startEmbeddedPostgres, urlForRole, APP_ROLE, OWNER_ROLE } from '@ai-commons/database';
import { ALL_MIGRATIONS } from '@ai-commons/migrations';

export const TEST_OWNER_PASSWORD = 'owner-test-password';
export const TEST_APP_PASSWORD = 'app-test-password';
const LOCAL_ADMIN_URL = process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const EMBEDDED_PORT = 15433;

function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 5432), timeout: 1_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * The administrative URL of the server tests use: the one at 127.0.0.1:5432 when it answers,
 * otherwise an embedded PostgreSQL (started here, data under .data/test-postgres).
 */
export async function resolveTestPostgres(repoRoot: string): Promise<{ adminUrl: string; embedded: boolean }> {
  if (await answers(LOCAL_ADMIN_URL)) return { adminUrl: LOCAL_ADMIN_URL, embedded: false };
  const handle = await startEmbeddedPostgres({
    preferredDataDir: path.join(repoRoot, '.data', 'test-postgres'),
    port: EMBEDDED_PORT,
    superuserPassword: 'postgres-test-password',
  });
  return { adminUrl: handle.adminUrl, embedded: true };
}

export interface TestDatabase {
  name: string;
  adminUrl: string;
  /** Superuser connection to the test database itself (for tampering/inspection in tests). */
  superuserUrl: string;
  ownerUrl: string;
  appUrl: string;
}

/** Creates a fresh database with roles, optionally migrated to the latest schema. */
export async function createTestDatabase(adminUrl: string, name: string, migrate = true): Promise<TestDatabase> {
  await bootstrapDatabase({ adminUrl, databaseName: name, ownerPassword: TEST_OWNER_PASSWORD, appPassword: TEST_APP_PASSWORD, recreate: true });
  const superuser = new URL(adminUrl);
  superuser.pathname = `/${name}`;
  const database: TestDatabase = {
    name,
    adminUrl,
    superuserUrl: superuser.toString(),
    ownerUrl: urlForRole(adminUrl, OWNER_ROLE, TEST_OWNER_PASSWORD, name),
    appUrl: urlForRole(adminUrl, APP_ROLE, TEST_APP_PASSWORD, name),
  };
  if (migrate) await runMigrations(database.ownerUrl, ALL_MIGRATIONS, { adminUrl });
  return database;
}

export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

/** Runs `work` with a plain pg client on `url` and closes it. */
export async function withPg<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
