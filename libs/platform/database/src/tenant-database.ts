import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, RequestContext, type AuditSink, type TenantScope } from '@ai-commons/core';
import { DatabaseUnavailableError, isConnectionFailure } from './database-errors';
import { CROSS_TENANT_SETTING, TENANT_SETTING } from './database-roles';

/**
 * The only way application code touches tenant data. Every transaction first sets the tenant
 * scope from the request context (transaction-local `set_config(..., true)`), so RLS confines the
 * transaction to one institution, or to the explicit cross-tenant mode. No scope → it throws.
 */
@Injectable()
export class TenantDatabase {
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(AUDIT_SINK) private readonly auditSink?: AuditSink,
  ) {}

  async transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const scope = RequestContext.requireTenantScope();
    try {
      return await this.dataSource.transaction(async (tx) => {
        await applyTenantScope(tx, scope);
        // Reads and writes across institutions by people are audited; the platform's own services
        // (`system`) record what they do in their own audit events instead of one per transaction.
        if (scope.kind === 'cross-tenant' && scope.access !== 'system' && this.auditSink) {
          await this.auditSink.record(
            {
              action: AUDIT_ACTIONS.crossTenantAccess,
              resourceType: 'database',
              outcome: 'success',
              details: { access: scope.access, reason: scope.reason },
            },
            tx,
          );
        }
        return work(tx);
      });
    } catch (error) {
      if (isConnectionFailure(error)) throw new DatabaseUnavailableError(error);
      throw error;
    }
  }

  /** Liveness of the connection pool, for readiness probes. */
  async ping(): Promise<void> {
    try {
      await this.dataSource.query('select 1');
    } catch (error) {
      throw new DatabaseUnavailableError(error);
    }
  }
}

export async function applyTenantScope(tx: Pick<EntityManager, 'query'>, scope: TenantScope): Promise<void> {
  await tx.query(`select set_config('${TENANT_SETTING}', $1, true), set_config('${CROSS_TENANT_SETTING}', $2, true)`, [
    scope.kind === 'tenant' ? scope.tenantId : '',
    scope.kind === 'cross-tenant' ? scope.access : '',
  ]);
}
