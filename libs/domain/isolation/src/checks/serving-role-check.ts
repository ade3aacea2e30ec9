import { AUDIT_OWNER_ROLE, OWNER_ROLE } from '@ai-commons/database';
import { fail, ident, pass, type IsolationCheck } from './check';
import { judgeServingRoleAttempts, type ServingRoleAttempt } from './serving-role-rules';

/** The statements a compromised service would try, per table and per privileged role. */
function attemptsFor(tables: string[], roles: string[]): { kind: ServingRoleAttempt['kind']; statement: string }[] {
  return [
    ...tables.flatMap((table) => [
      { kind: 'alter' as const, statement: `alter table ${ident(table)} disable row level security` },
      { kind: 'alter' as const, statement: `alter table ${ident(table)} no force row level security` },
      { kind: 'disable-trigger' as const, statement: `alter table ${ident(table)} disable trigger user` },
    ]),
    { kind: 'alter' as const, statement: 'alter table audit_events add column isolation_probe integer' },
    ...roles.flatMap((role) => [
      { kind: 'set-role' as const, statement: `set role ${ident(role)}` },
      { kind: 'set-role' as const, statement: `set session authorization ${ident(role)}` },
    ]),
    // Without BYPASSRLS, row_security = off makes a query that RLS would filter an error instead of a full read
    // (two statements: the setting counts when the query is planned).
    ...['institutions', 'audit_events'].map((table) => ({
      kind: 'bypass-rls' as const,
      statement: `set local row_security = off; select count(*) from ${ident(table)}`,
    })),
  ];
}

export const servingRolePrivileges: IsolationCheck = {
  id: 'rls.serving-role-privileges',
  title: 'The serving database role cannot alter tables, switch off triggers, become an owner or bypass row-level security',
  concern: 'operator-access',
  method:
    'As the application role the services connect with, in one transaction that is rolled back, each attempt in its own savepoint: ' +
    'ALTER TABLE … DISABLE / NO FORCE ROW LEVEL SECURITY and DISABLE TRIGGER USER (the audit triggers among them) on every public table, ALTER TABLE audit_events ADD COLUMN, ' +
    'SET ROLE and SET SESSION AUTHORIZATION to the owner roles, the owners of the tables and every superuser, and reads with row_security off. ' +
    'Each must be refused by PostgreSQL with insufficient_privilege (42501). Also, from pg_auth_members: the schema owner is not a member ' +
    "of the audit owner role (migrations borrow it), so not even the owner can switch off the audit log's triggers.",
  async run(context) {
    const runner = context.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction();
      const [{ role }]: { role: string }[] = await runner.query('select current_user::text as role');
      const tables: { table: string }[] = await runner.query(
        `select c.relname::text as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`,
      );
      const roles: { role: string }[] = await runner.query(
        `select rolname::text as role from pg_roles
         where rolname = any($1) or rolsuper
            or oid in (select c.relowner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public')
            or oid in (select nspowner from pg_namespace where nspname = 'public')
            or oid in (select datdba from pg_database where datname = current_database())
         order by rolname`,
        [[OWNER_ROLE, AUDIT_OWNER_ROLE]],
      );
      const attempts: ServingRoleAttempt[] = [];
      for (const { kind, statement } of attemptsFor(
        tables.map((row) => row.table),
        roles.map((row) => row.role).filter((name) => name !== role),
      )) {
        await runner.query('savepoint serving_role_attempt');
        try {
          await runner.query(statement);
          attempts.push({ kind, statement, refused: false });
        } catch (error) {
          const { code, message } =
            (error as { driverError?: { code?: string; message?: string } }).driverError ?? (error as { code?: string; message?: string });
          attempts.push({ kind, statement, refused: true, sqlstate: code, error: message });
        }
        // Undoes whatever an attempt that was not refused changed, SET ROLE included.
        await runner.query('rollback to savepoint serving_role_attempt');
      }
      const [{ member: ownerMemberOfAuditOwner }]: { member: boolean }[] = await runner.query(`select pg_has_role($1, $2, 'MEMBER') as member`, [
        OWNER_ROLE,
        AUDIT_OWNER_ROLE,
      ]);
      const verdict = judgeServingRoleAttempts(attempts);
      const evidence = {
        role,
        tables: tables.length,
        roles: roles.map((row) => row.role),
        attempts,
        allowed: verdict.allowed,
        inconclusive: verdict.inconclusive,
        ownerMemberOfAuditOwner,
      };
      if (ownerMemberOfAuditOwner)
        return fail(
          `The schema owner ${OWNER_ROLE} is a member of the audit owner role ${AUDIT_OWNER_ROLE}: it could switch off the audit log's triggers`,
          evidence,
        );
      if (verdict.allowed.length)
        return fail(
          `The serving role ${role} was allowed ${verdict.allowed.length} privileged statements: ${verdict.allowed.slice(0, 5).join('; ')}`,
          evidence,
        );
      if (verdict.inconclusive.length)
        return fail(`${verdict.inconclusive.length} attempts failed for another reason than a privilege refusal, so they prove nothing`, evidence);
      return pass(
        `All ${attempts.length} attempts of ${role} were refused with insufficient_privilege (${verdict.summary}); the owner is not a member of the audit owner role`,
        evidence,
      );
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  },
};
