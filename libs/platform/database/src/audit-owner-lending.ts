import { Client } from 'pg';
import { AUDIT_OWNER_ROLE, OWNER_ROLE } from './database-roles';

// One key for every database of the server: membership is server-wide, so every migration that
// lends the role takes this lock (in the maintenance database of the admin connection) first.
const LENDING_LOCK_KEY = 0x61_69_63_61; // 'aica'

/**
 * Runs `work` (migrations as the owner) while the owner is lent membership in the audit owner role,
 * which changing or dropping the audit tables needs; revokes it afterwards, whatever happened. Only
 * a superuser (the admin connection of `db:bootstrap`) can lend it, so outside a migration the
 * owner is not a member: a leaked owner password cannot switch off the audit log's triggers.
 * Without `adminUrl` the work runs as it is (fine when no pending migration touches the audit log).
 */
export async function withAuditOwnerLent<T>(adminUrl: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!adminUrl) return work();
  const admin = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000, application_name: 'ai-commons-migrations-admin' });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [LENDING_LOCK_KEY]);
    await admin.query(`grant ${AUDIT_OWNER_ROLE} to ${OWNER_ROLE}`);
    try {
      return await work();
    } finally {
      await admin.query(`revoke ${AUDIT_OWNER_ROLE} from ${OWNER_ROLE}`);
    }
  } finally {
    // Ending the session releases the advisory lock.
    await admin.end();
  }
}

/** A migration refused for lack of the audit owner's role, explained. */
export function explainMissingAuditOwner(error: unknown): unknown {
  const message = (error as { message?: string })?.message ?? '';
  if (!/must be (owner of|member of role|able to SET ROLE)/.test(message)) return error;
  return new Error(
    `${message}: migrations that change the audit log need the owner to be lent the ${AUDIT_OWNER_ROLE} role for their duration; ` +
      'give the superuser connection (DATABASE_ADMIN_URL) to npm run db:migrate / db:revert',
    { cause: error },
  );
}
