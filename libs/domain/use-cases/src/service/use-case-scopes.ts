import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { RequestContext, SYSTEM_PRINCIPAL, readScopeFor, reviewScopeFor, type Principal, type TenantScope } from '@ai-commons/core';
import { TenantDatabase } from '@ai-commons/database';
import { UseCaseError } from '../use-case-errors';

type Work<T> = (tx: EntityManager) => Promise<T>;

/**
 * The scopes use-case work runs in, on TenantDatabase (which audits every cross-tenant one):
 * - `read`: platform admins and regulators across institutions, members their own;
 * - `tenant`: an institution's own writes (declare, edit, submit, withdraw, bind credentials);
 * - `review`: a regulator's review decisions (the database allows nothing else in this mode);
 * - `system`: the expiry sweep.
 */
@Injectable()
export class UseCaseScopes {
  constructor(private readonly db: TenantDatabase) {}

  read<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    const scope = readScopeFor(principal, RequestContext.current()?.tenantScope, reason);
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  tenant<T>(work: (tx: EntityManager, tenantId: string) => Promise<T>): Promise<T> {
    const scope = RequestContext.current()?.tenantScope;
    if (scope?.kind !== 'tenant') throw new UseCaseError('TENANT_SCOPE_REQUIRED', 'Only members acting for their institution may do this');
    return RequestContext.withTenantScope(scope, () => this.db.transaction((tx) => work(tx, scope.tenantId)));
  }

  review<T>(principal: Principal, reason: string, work: Work<T>): Promise<T> {
    return RequestContext.withTenantScope(reviewScopeFor(principal, reason), () => this.db.transaction(work));
  }

  admin<T>(scope: TenantScope, work: Work<T>): Promise<T> {
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  system<T>(reason: string, work: Work<T>): Promise<T> {
    const scope: TenantScope = { kind: 'cross-tenant', access: 'system', reason };
    return RequestContext.run({ requestId: `use-case-${reason}`, principal: SYSTEM_PRINCIPAL, tenantScope: scope }, () => this.db.transaction(work));
  }
}
