import {
  RequestContext,
  adminScopeFor,
  hasAnyRole,
  readScopeFor,
  SYSTEM_PRINCIPAL,
  type Principal,
  type TenantScope,
} from '@ai-commons/core';
import { Injectable } from '@nestjs/common';
import { TenantDatabase } from '@ai-commons/database';
import type { EntityManager } from 'typeorm';
import { CatalogError } from './catalog-errors';

type Work<T> = (tx: EntityManager) => Promise<T>;

/** A scope that names no institution: the platform-wide catalog is visible, no tenant's rows are. */
const NO_TENANT: TenantScope = { kind: 'tenant', tenantId: '00000000-0000-0000-0000-000000000000' };

/**
 * The tenant scopes catalog operations run in, on top of TenantDatabase (which applies them to
 * each transaction and audits cross-tenant access):
 * - `read`: platform admins and regulators across institutions, everyone else in their own;
 * - `catalogRead`: the platform-wide catalog (models, offerings), which every authenticated caller
 *   may browse, even one attached to no institution;
 * - `admin`: platform admins' cross-tenant writes (catalog, endpoints);
 * - `tenant`: an institution's own writes (API keys), only in the scope authentication set;
 * - `system`: the platform's own services (health prober), audited by their own events.
 */
@Injectable()
export class CatalogScopes {
  constructor(private readonly db: TenantDatabase) {}

  read<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    const scope = readScopeFor(principal, RequestContext.current()?.tenantScope, reason);
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  catalogRead<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    const current = RequestContext.current()?.tenantScope;
    const attached = current !== undefined || hasAnyRole(principal, ['platform-admin', 'regulator']);
    const scope = attached ? readScopeFor(principal, current, reason) : NO_TENANT;
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  admin<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    return RequestContext.withTenantScope(adminScopeFor(principal, reason), () => this.db.transaction(work));
  }

  /** The caller's own institution, as authentication scoped it; returns its id too. */
  tenant<T>(work: (tx: EntityManager, tenantId: string) => Promise<T>): Promise<T> {
    const scope = RequestContext.current()?.tenantScope;
    if (scope?.kind !== 'tenant') {
      throw new CatalogError('TENANT_SCOPE_REQUIRED', 'Only members acting for their institution may do this');
    }
    return RequestContext.withTenantScope(scope, () => this.db.transaction((tx) => work(tx, scope.tenantId)));
  }

  system<T>(requestId: string, reason: string, work: Work<T>): Promise<T> {
    const scope: TenantScope = { kind: 'cross-tenant', access: 'system', reason };
    return RequestContext.run({ requestId, principal: SYSTEM_PRINCIPAL, tenantScope: scope }, () =>
      this.db.transaction(work),
    );
  }
}
