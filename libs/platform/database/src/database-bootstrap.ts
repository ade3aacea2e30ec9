import { Client, escapeLiteral, escapeIdentifier } from 'pg';
import { APP_ROLE, AUDIT_OWNER_ROLE, OWNER_ROLE } from './database-roles';

export interface BootstrapOptions {
  /** A superuser (or CREATEROLE + CREATEDB) connection to the server's maintenance database. */
  adminUrl: string;
  databaseName: string;
  ownerPassword: string;
  appPassword: string;
  /** Drop and recreate the database (tests). */
  recreate?: boolean;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureRole(client: Client, name: string, attributes: string, password?: string): Promise<void> {
  const exists = await client.query('select 1 from pg_roles where rolname = $1', [name]);
  const passwordClause = password === undefined ? '' : ` password ${escapeLiteral(password)}`;
  const verb = exists.rowCount ? 'alter' : 'create';
  await client.query(`${verb} role ${escapeIdentifier(name)} ${attributes}${passwordClause}`);
}

/**
 * Creates (idempotently) the three roles and the database, and locks the public schema down so the
 * app role can use but never create objects. Needs an administrative connection; run once per
 * server by `npm run db:bootstrap`, by `npm start` on the embedded server, and by the tests.
 */
export async function bootstrapDatabase(options: BootstrapOptions): Promise<void> {
  await withClient(options.adminUrl, async (client) => {
    await ensureRole(client, OWNER_ROLE, 'login nosuperuser nocreatedb nocreaterole nobypassrls', options.ownerPassword);
    await ensureRole(client, APP_ROLE, 'login nosuperuser nocreatedb nocreaterole nobypassrls noinherit', options.appPassword);
    await ensureRole(client, AUDIT_OWNER_ROLE, 'nologin nosuperuser nocreatedb nocreaterole nobypassrls');
    // The owner is not a member of the audit owner role: migrations borrow it (withAuditOwnerLent).

    const database = escapeIdentifier(options.databaseName);
    if (options.recreate) await client.query(`drop database if exists ${database} with (force)`);
    const exists = await client.query('select 1 from pg_database where datname = $1', [options.databaseName]);
    if (!exists.rowCount) await client.query(`create database ${database} owner ${OWNER_ROLE}`);
  });

  const databaseUrl = new URL(options.adminUrl);
  databaseUrl.pathname = `/${options.databaseName}`;
  await withClient(databaseUrl.toString(), async (client) => {
    await client.query(`
      alter schema public owner to ${OWNER_ROLE};
      revoke all on schema public from public;
      grant usage on schema public to ${APP_ROLE};
      grant usage, create on schema public to ${AUDIT_OWNER_ROLE};
      revoke all on database ${escapeIdentifier(options.databaseName)} from public;
      grant connect, temporary on database ${escapeIdentifier(options.databaseName)} to ${APP_ROLE};
    `);
  });
}

/** Connection URL for `role` on the same server and database as `baseUrl`. */
export function urlForRole(baseUrl: string, role: string, password: string, databaseName?: string): string {
  const url = new URL(baseUrl);
  url.username = role;
  url.password = password;
  if (databaseName) url.pathname = `/${databaseName}`;
  return url.toString();
}
