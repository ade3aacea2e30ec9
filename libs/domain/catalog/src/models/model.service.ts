import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal, isUuid } from '@ai-commons/core';
import { pgConstraint, pgErrorCode, TenantScopes } from '@ai-commons/database';
import { auditSuccess } from '../shared/audit-writer';
import { CatalogError } from '../shared/catalog-errors';
import { validReason } from '../shared/field-validation';
import type { Page } from '../shared/page';
import { ModelEntity } from './model.entity';
import type { ModelFilter, ModelRecord, RegisterModelCommand } from './model.model';
import { toModelRecord } from './model-records';
import { validRegisterModel } from './model-validation';

/** The platform-wide model catalog: everyone browses, platform admins register and retire. */
@Injectable()
export class ModelService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  list(principal: Principal, filter: ModelFilter, size: number, after?: unknown[]): Promise<Page<ModelRecord>> {
    return this.scopes.openRead(principal, 'browse the model catalog', async (tx) => {
      const query = tx
        .getRepository(ModelEntity)
        .createQueryBuilder('m')
        .orderBy('m.name', 'ASC')
        .limit(size + 1);
      if (filter.kind) query.andWhere('m.kind = :kind', { kind: filter.kind });
      if (filter.status) query.andWhere('m.status = :status', { status: filter.status });
      if (filter.family) query.andWhere('m.family = :family', { family: filter.family });
      if (after) query.andWhere('m.name > :after', { after: String(after[0]) });
      return { rows: (await query.getMany()).map(toModelRecord), size };
    });
  }

  get(principal: Principal, id: string): Promise<ModelRecord> {
    if (!isUuid(id)) throw modelNotFound(id);
    return this.scopes.openRead(principal, `read model ${id}`, async (tx) => {
      const row = await tx.getRepository(ModelEntity).findOneBy({ id });
      if (!row) throw modelNotFound(id);
      return toModelRecord(row);
    });
  }

  register(principal: Principal, command: RegisterModelCommand): Promise<ModelRecord> {
    const values = validRegisterModel(command);
    return this.scopes.admin(principal, `register model ${values.name}`, async (tx) => {
      const repository = tx.getRepository(ModelEntity);
      let row: ModelEntity;
      try {
        row = await repository.save(repository.create({ ...values, status: 'available' }));
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'models_name_key') {
          throw new CatalogError('MODEL_NAME_TAKEN', `A model named "${values.name}" is registered`, { name: values.name });
        }
        throw error;
      }
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.modelRegister,
        resourceType: 'model',
        resourceId: row.id,
        details: { name: row.name, kind: row.kind, provider: row.provider },
      });
      return toModelRecord(row);
    });
  }

  /** Retires a model and its offerings; refused while an endpoint that is not retired uses it. */
  retire(principal: Principal, id: string, reason: string): Promise<ModelRecord> {
    if (!isUuid(id)) throw modelNotFound(id);
    const why = validReason(reason);
    return this.scopes.admin(principal, `retire model ${id}`, async (tx) => {
      const repository = tx.getRepository(ModelEntity);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw modelNotFound(id);
      if (row.status === 'retired') throw new CatalogError('MODEL_RETIRED', `Model ${row.name} is already retired`, { id });
      // Locks the offerings too, so no endpoint can be created on them until this commits.
      await tx.query(`select id from model_offerings where model_id = $1 for update`, [id]);
      const inUse = await endpointsInUse(tx, 'o.model_id = $1', id);
      if (inUse > 0) {
        throw new CatalogError('MODEL_HAS_ACTIVE_ENDPOINTS', `Model ${row.name} still serves ${inUse} endpoint(s); retire them first`, {
          id,
          endpoints: inUse,
        });
      }
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [retiredOfferings]: [{ id: string }[], number] = await tx.query(
        `update model_offerings set status = 'retired', retired_at = now() where model_id = $1 and status = 'available' returning id`,
        [id],
      );
      row.status = 'retired';
      row.retiredAt = new Date();
      const saved = await repository.save(row);
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.modelRetire,
        resourceType: 'model',
        resourceId: id,
        details: { name: row.name, reason: why, retiredOfferings: retiredOfferings.map((offering) => offering.id) },
      });
      return toModelRecord(saved);
    });
  }
}

/** Endpoints that are not retired on offerings matching `condition` (visible in admin scope). */
export async function endpointsInUse(tx: EntityManager, condition: string, parameter: string): Promise<number> {
  const [{ n }] = await tx.query(
    `select count(*)::int as n from endpoints e join model_offerings o on o.id = e.offering_id
     where ${condition} and e.state <> 'retired'`,
    [parameter],
  );
  return n;
}

export function modelNotFound(id: string): CatalogError {
  return new CatalogError('MODEL_NOT_FOUND', `No model with id ${id}`, { id });
}
