import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_SINK, RequestContext, adminScopeFor, isUuid, type AuditSink, type Principal } from '@ai-commons/core';
import { TenantScopes, pgErrorCode } from '@ai-commons/database';
import { classificationRank, type Classification } from '@ai-commons/policy';
import { DataPolicyError } from '../data-policy-errors';
import { institutionToRead } from './institution-to-read';

export interface ClassificationFloorRecord {
  institutionId: string;
  /** Null: no institution-wide floor (each API key's default is still the floor of its requests). */
  floor: Classification | null;
}

/**
 * An institution's classification floor: the lowest data classification any of its requests may
 * carry, whatever its API key's default. A lower `x-data-classification` header is denied at the
 * gateway (which reloads the floor on NOTIFY). Tenant admins set their own; platform admins any.
 * A floor above the institution's ceiling would deny every request, so it is refused.
 */
@Injectable()
export class ClassificationFloorService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  /** An institution's floor (null: none): tenant admins their own, others name the institution. */
  floorOf(principal: Principal, institutionId: string | undefined): Promise<ClassificationFloorRecord> {
    const target = institutionToRead(principal, institutionId);
    return this.scopes.read(principal, `read the classification floor of ${target}`, async (tx) => {
      const institutions: unknown[] = await tx.query('select 1 from institutions where id = $1', [target]);
      if (!institutions.length) throw new DataPolicyError('INSTITUTION_NOT_FOUND', `No institution with id ${target}`, { institutionId: target });
      const rows: { floor: Classification }[] = await tx.query('select floor from institution_classification_floors where tenant_id = $1', [target]);
      return { institutionId: target, floor: rows[0]?.floor ?? null };
    });
  }

  setFloor(principal: Principal, institutionId: string | undefined, floor: Classification | null): Promise<ClassificationFloorRecord> {
    if (institutionId !== undefined && !isUuid(institutionId)) {
      throw new DataPolicyError('INVALID_INSTITUTION_ID', 'institutionId is not an institution id');
    }
    const scope = RequestContext.current()?.tenantScope;
    const target = institutionId ?? (scope?.kind === 'tenant' ? scope.tenantId : undefined);
    if (!target) throw new DataPolicyError('TENANT_SCOPE_REQUIRED', 'Name the institution');
    const useScope = principal.roles.includes('platform-admin') ? adminScopeFor(principal, `set the classification floor of ${target}`) : scope;
    if (!useScope || (useScope.kind === 'tenant' && useScope.tenantId !== target))
      throw new DataPolicyError('TENANT_SCOPE_REQUIRED', "Only your own institution's floor");
    return this.scopes.in(useScope, async (tx) => {
      const institutions: { ceiling: Classification }[] = await tx.query('select data_classification_ceiling as ceiling from institutions where id = $1', [
        target,
      ]);
      if (!institutions.length) throw new DataPolicyError('INVALID_INSTITUTION_ID', `No institution with id ${target}`);
      const ceiling = institutions[0].ceiling;
      if (floor !== null && classificationRank(floor) > classificationRank(ceiling)) {
        throw new DataPolicyError(
          'CLASSIFICATION_FLOOR_ABOVE_CEILING',
          `The floor '${floor}' is above the institution's ceiling '${ceiling}': every request would be denied`,
          { floor, ceiling },
        );
      }
      try {
        if (floor === null) await tx.query('delete from institution_classification_floors where tenant_id = $1', [target]);
        else {
          await tx.query(
            `insert into institution_classification_floors (tenant_id, floor, updated_by) values ($1, $2, $3)
             on conflict (tenant_id) do update set floor = excluded.floor, updated_by = excluded.updated_by, updated_at = now()`,
            [target, floor, principal.subject],
          );
        }
      } catch (error) {
        if (pgErrorCode(error) === '23503') throw new DataPolicyError('INVALID_INSTITUTION_ID', `No institution with id ${target}`);
        throw error;
      }
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.dataPolicyClassificationFloorSet,
          resourceType: 'institution',
          resourceId: target,
          tenantId: target,
          outcome: 'success',
          details: { floor, ceiling },
        },
        tx,
      );
      return { institutionId: target, floor };
    });
  }
}
