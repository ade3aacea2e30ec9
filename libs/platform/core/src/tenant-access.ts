import { DomainError } from './domain-error';
import { CROSS_TENANT_ROLES, hasAnyRole, type Principal } from './principal';
import type { TenantScope } from './tenant-scope';

export class TenantAccessError extends DomainError {
  readonly module = 'core';
}

/**
 * The scope a read runs in: platform admins and regulators read across institutions in the
 * explicit cross-tenant mode (audited by the database layer); everyone else keeps the tenant
 * scope that authentication set, and has none if authentication set none.
 */
export function readScopeFor(principal: Principal, current: TenantScope | undefined, reason: string): TenantScope {
  if (hasAnyRole(principal, CROSS_TENANT_ROLES)) return { kind: 'cross-tenant', access: 'read', reason };
  if (current) return current;
  throw new TenantAccessError('TENANT_SCOPE_REQUIRED', 'The caller is not attached to an institution', 'forbidden');
}

/** Write scope for platform operations (create/suspend institutions…): platform admins only. */
export function adminScopeFor(principal: Principal, reason: string): TenantScope {
  if (!hasAnyRole(principal, ['platform-admin'])) {
    throw new TenantAccessError('PLATFORM_ADMIN_REQUIRED', 'Only platform admins may do this', 'forbidden');
  }
  return { kind: 'cross-tenant', access: 'admin', reason };
}

/**
 * Write scope for a regulator's review decisions (use-case register): regulators only. The
 * database lets this mode change review decisions and nothing else.
 */
export function reviewScopeFor(principal: Principal, reason: string): TenantScope {
  if (!hasAnyRole(principal, ['regulator'])) {
    throw new TenantAccessError('REGULATOR_REQUIRED', 'Only regulators may review', 'forbidden');
  }
  return { kind: 'cross-tenant', access: 'review', reason };
}
