import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  CROSS_TENANT_ROLES,
  DomainError,
  RequestContext,
  SYSTEM_PRINCIPAL,
  TenantAccessError,
  adminScopeFor,
  hasAnyRole,
  readScopeFor,
  type Principal,
  type TenantScope,
} from '@ai-commons/core';
import { TenantDatabase } from './tenant-database';

type Work<T> = (tx: EntityManager) => Promise<T>;

/** A scope that names no institution: platform-wide rows are visible, no tenant's rows are. */
const NO_TENANT_SCOPE: TenantScope = { kind: 'tenant', tenantId: '00000000-0000-0000-0000-000000000000' };

/**
 * The tenant scopes services run their transactions in, on top of TenantDatabase (which applies
 * the scope to each transaction and audits cross-tenant access). One helper for every service:
 * - `read`: platform admins and regulators across institutions, everyone else in their own;
 * - `openRead`: platform-wide data (catalog, the audit log's tree heads) that every authenticated
 *   caller may read, even one attached to no institution (who then sees no tenant's rows);
 * - `admin`: platform admins' cross-tenant writes;
 * - `tenant`: an institution's own writes, only in the scope authentication set;
 * - `system`: the platform's own derivations inside the caller's request (e.g. quota weights from
 *   capital members may not read); the caller filters what it returns;
 * - `runAsSystem`: the platform's own services (schedulers, probers) in a request of their own.
 */
@Injectable()
export class TenantScopes {
  constructor(private readonly db: TenantDatabase) {}

  read<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    return this.in(readScopeFor(principal, RequestContext.current()?.tenantScope, reason), work);
  }

  openRead<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    const current = RequestContext.current()?.tenantScope;
    const attached = current !== undefined || hasAnyRole(principal, CROSS_TENANT_ROLES);
    return this.in(attached ? readScopeFor(principal, current, reason) : NO_TENANT_SCOPE, work);
  }

  admin<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    return this.in(adminScopeFor(principal, reason), work);
  }

  /**
   * The caller's own institution, as authentication scoped it; returns its id too. `refusal` lets
   * a module report the missing scope with its own error type (default: core's TenantAccessError).
   */
  tenant<T>(work: (tx: EntityManager, tenantId: string) => Promise<T>, refusal: () => DomainError = tenantScopeRequired): Promise<T> {
    const scope = RequestContext.current()?.tenantScope;
    if (scope?.kind !== 'tenant') throw refusal();
    return this.in(scope, (tx) => work(tx, scope.tenantId));
  }

  system<T>(reason: string, work: Work<T>): Promise<T> {
    return this.in({ kind: 'cross-tenant', access: 'system', reason }, work);
  }

  runAsSystem<T>(requestId: string, reason: string, work: Work<T>): Promise<T> {
    const scope: TenantScope = { kind: 'cross-tenant', access: 'system', reason };
    return RequestContext.run({ requestId, principal: SYSTEM_PRINCIPAL, tenantScope: scope }, () => this.db.transaction(work));
  }

  /** Any scope a service computed itself (e.g. admin for platform admins, own tenant otherwise). */
  in<T>(scope: TenantScope, work: Work<T>): Promise<T> {
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }
}

function tenantScopeRequired(): DomainError {
  return new TenantAccessError('TENANT_SCOPE_REQUIRED', 'Only members acting for their institution may do this', 'forbidden');
}
