import type { DataSource } from 'typeorm';
import { ConfigValidationError } from '@ai-commons/config';
import { APP_ROLE, AUDIT_OWNER_ROLE, OWNER_ROLE } from './database-roles';

/** What the catalog says about the role a service connects as. */
export interface ServingRoleFacts {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  /** Relations in schema public it owns or can become the owner of (by membership). */
  ownedRelations: number;
  ownsSchema: boolean;
  ownsDatabase: boolean;
  /** Roles it is a member of that are superuser, bypass RLS, are an owner role, pg_read/write_all_data or own schema objects or the database. */
  privilegedMemberships: string[];
}

/** Each reason the role must not serve requests, in words; none means it is a least-privilege serving role. */
export function servingRoleProblems(facts: ServingRoleFacts): string[] {
  return [
    facts.superuser && 'is a superuser',
    facts.bypassrls && 'has BYPASSRLS',
    facts.ownedRelations > 0 && `owns ${facts.ownedRelations} relations in schema public (an owner can ALTER them, disable RLS and triggers)`,
    facts.ownsSchema && 'owns schema public',
    facts.ownsDatabase && 'owns the database',
    facts.privilegedMemberships.length > 0 && `is a member of ${facts.privilegedMemberships.join(', ')}`,
  ].filter((problem): problem is string => typeof problem === 'string');
}

const FACTS_SQL = `
  with privileged as (
    select g.oid, g.rolname from pg_roles g
    where g.rolsuper or g.rolbypassrls or g.rolname = any($1)
       or g.oid in (select c.relowner from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public')
       or g.oid in (select nspowner from pg_namespace where nspname = 'public')
       or g.oid in (select datdba from pg_database where datname = current_database())
  )
  select r.rolname::text as role, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
         (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and pg_has_role(r.oid, c.relowner, 'MEMBER')) as "ownedRelations",
         exists (select 1 from pg_namespace n where n.nspname = 'public' and pg_has_role(r.oid, n.nspowner, 'MEMBER')) as "ownsSchema",
         exists (select 1 from pg_database d where d.datname = current_database() and pg_has_role(r.oid, d.datdba, 'MEMBER')) as "ownsDatabase",
         coalesce((select array_agg(p.rolname::text order by p.rolname) from privileged p
           where p.oid <> r.oid and pg_has_role(r.oid, p.oid, 'MEMBER')), '{}'::text[]) as "privilegedMemberships"
  from pg_roles r where r.rolname = current_user`;

export async function servingRoleFacts(dataSource: DataSource): Promise<ServingRoleFacts> {
  // pg_read/write_all_data: grants beyond the app's own (every table, the audit tables included).
  const [facts]: ServingRoleFacts[] = await dataSource.query(FACTS_SQL, [[OWNER_ROLE, AUDIT_OWNER_ROLE, 'pg_read_all_data', 'pg_write_all_data']]);
  return facts;
}

/**
 * Refuses to serve on an owner or superuser connection: a compromised service could otherwise
 * switch off row-level security and the audit triggers. Throws the readable boot error (exit 78).
 */
export async function assertServingRole(dataSource: DataSource, variable = 'DATABASE_APP_URL'): Promise<void> {
  const facts = await servingRoleFacts(dataSource);
  const problems = servingRoleProblems(facts);
  if (problems.length === 0) return;
  throw new ConfigValidationError([
    `${variable}: connects as ${facts.role}, which ${problems.join(', ')}; services need the application role (${APP_ROLE}: ` +
      `owns nothing, cannot bypass row-level security). The owner's connection is for migrations only (npm run db:migrate).`,
  ]);
}
