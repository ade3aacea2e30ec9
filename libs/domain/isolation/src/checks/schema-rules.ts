/** The judgements of the schema checks, apart from the catalog queries that feed them. */

export interface TableSecurity {
  table: string;
  enabled: boolean;
  forced: boolean;
  policies: number;
}

/** A table RLS does not hold on: off, not forced (its owner would bypass it) or without a policy. */
export function rlsViolations<T extends TableSecurity>(tables: readonly T[]): T[] {
  return tables.filter((table) => !table.enabled || !table.forced || table.policies === 0);
}

export interface UniqueKey {
  table: string;
  index: string;
  columns: string[];
  /** Per column: a uuid defaulting to gen_random_uuid(). */
  randomUuid: boolean[];
}

/**
 * Unique keys that could reveal another institution's values: a key without tenant_id whose
 * columns are not all server-generated randomness (random uuids, or the allowed `table.column`s).
 */
export function uniqueKeyViolations<T extends UniqueKey>(keys: readonly T[], allowedGlobal: Readonly<Record<string, string>>): T[] {
  return keys.filter(
    (key) =>
      !key.columns.includes('tenant_id') &&
      !key.columns.every((column, index) => key.randomUuid[index] || allowedGlobal[`${key.table}.${column}`] !== undefined),
  );
}

export interface AppRoleAttributes {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  owned: number;
  memberOf: string[];
}

/** Roles whose membership would let the app role past RLS or around its grants. */
export function ownerMembershipsOf(memberOf: readonly string[]): string[] {
  return memberOf.filter((name) => name.endsWith('_owner') || name === 'postgres' || name.startsWith('pg_write_all') || name.startsWith('pg_read_all'));
}

/** Each way the app role could bypass row-level security, in words; none means it cannot. */
export function appRoleProblems(role: AppRoleAttributes): string[] {
  const ownerMemberships = ownerMembershipsOf(role.memberOf);
  return [
    role.superuser && 'superuser',
    role.bypassrls && 'BYPASSRLS',
    role.owned > 0 && `owns ${role.owned} relations`,
    ownerMemberships.length > 0 && `member of ${ownerMemberships.join(', ')}`,
  ].filter((problem): problem is string => typeof problem === 'string');
}
