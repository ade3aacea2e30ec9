import { fail, pass, type IsolationCheck } from './check';
import {
  appRoleProblems,
  ownerMembershipsOf,
  rlsViolations,
  uniqueKeyViolations,
  type AppRoleAttributes,
  type TableSecurity,
  type UniqueKey,
} from './schema-rules';

/**
 * Unique keys that need not include tenant_id: their values are server-generated randomness, so a
 * uniqueness conflict reveals nothing about another institution.
 */
export const GLOBAL_UNIQUE_ALLOWED: Record<string, string> = {
  'api_keys.secret_hash': 'SHA-256 of a 256-bit random secret',
};

export const rlsTenantTables: IsolationCheck = {
  id: 'rls.tenant-tables',
  title: 'Every institution-owned table enforces row-level security',
  concern: 'other-members',
  method:
    'As the app role, reads pg_class and pg_policies for every public table with a tenant_id column (and institutions): ' +
    'row security must be ENABLEd and FORCEd, with at least one policy (a partitioned table is checked as its parent, the only way in).',
  async run(context) {
    const rows: TableSecurity[] = await context.asSystem((tx) =>
      tx.query(
        `select c.relname as table, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
                (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') and (c.relname = 'institutions' or c.relname = any($1))
         order by c.relname`,
        [context.tenantTables],
      ),
    );
    const violations = rlsViolations(rows);
    const evidence = { tables: rows, violations: violations.map((row) => row.table) };
    return violations.length
      ? fail(`${violations.length} of ${rows.length} institution-owned tables do not enforce RLS: ${violations.map((row) => row.table).join(', ')}`, evidence)
      : pass(`All ${rows.length} institution-owned tables have RLS enabled and forced, with policies`, evidence);
  },
};

export const rlsAppRole: IsolationCheck = {
  id: 'rls.app-role',
  title: "The application's database role cannot bypass row-level security",
  concern: 'operator-access',
  method:
    'As the app role itself: pg_roles says it is not superuser and has no BYPASSRLS; it owns no relation (owners bypass RLS unless forced) and is not a member of the owner roles.',
  async run(context) {
    const [role]: AppRoleAttributes[] = await context.asSystem((tx) =>
      tx.query(`
        select r.rolname::text as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
               (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where n.nspname = 'public' and c.relowner = r.oid) as owned,
               coalesce((select array_agg(g.rolname::text order by g.rolname) from pg_roles g
                 where g.oid <> r.oid and pg_has_role(r.oid, g.oid, 'member')), '{}'::text[]) as "memberOf"
        from pg_roles r where r.rolname = current_user`),
    );
    const problems = appRoleProblems(role);
    const evidence = { ...role, ownerMemberships: ownerMembershipsOf(role.memberOf) };
    return problems.length
      ? fail(`The app role ${role.role} can bypass RLS: ${problems.join('; ')}`, evidence)
      : pass(`The app role ${role.role} is not superuser, has no BYPASSRLS, owns nothing and holds no owner role`, evidence);
  },
};

export const rlsTenantUniqueKeys: IsolationCheck = {
  id: 'rls.tenant-unique-keys',
  title: 'Unique keys of institution-owned tables include the tenant id',
  concern: 'other-members',
  method:
    "Reads every unique index of the tenant tables from pg_index: each must contain tenant_id, so one institution's values can never " +
    "collide with (and reveal) another's. Exceptions: a uuid column defaulting to gen_random_uuid(), and the listed random-secret hashes.",
  async run(context) {
    const rows: UniqueKey[] = await context.asSystem((tx) =>
      tx.query(
        `select c.relname as table, i.relname as index,
                array_agg(a.attname::text order by k.ord) as columns,
                array_agg(coalesce(pg_get_expr(d.adbin, d.adrelid) = 'gen_random_uuid()', false) order by k.ord) as "randomUuid"
         from pg_index x
         join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_class i on i.oid = x.indexrelid
         cross join lateral unnest(x.indkey) with ordinality as k(attnum, ord)
         join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
         left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
         where n.nspname = 'public' and x.indisunique and c.relname = any($1)
         group by c.relname, i.relname order by c.relname, i.relname`,
        [context.tenantTables],
      ),
    );
    const violations = uniqueKeyViolations(rows, GLOBAL_UNIQUE_ALLOWED);
    const evidence = {
      uniqueKeys: rows.map(({ table, index, columns }) => ({ table, index, columns })),
      allowedGlobal: GLOBAL_UNIQUE_ALLOWED,
      violations: violations.map(({ table, index, columns }) => ({ table, index, columns })),
    };
    return violations.length
      ? fail(`${violations.length} unique keys lack tenant_id: ${violations.map((row) => `${row.table}.${row.index}`).join(', ')}`, evidence)
      : pass(
          `All ${rows.length} unique keys of ${context.tenantTables.length} tenant tables include tenant_id or hold server-generated random values`,
          evidence,
        );
  },
};
