import { TenantScopes } from '@ai-commons/database';
import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal, isUuid } from '@ai-commons/core';
import { endpointsInUse } from '../models/model.service';
import { ModelEntity } from '../models/model.entity';
import { auditSuccess } from '../shared/audit-writer';
import { CatalogError } from '../shared/catalog-errors';
import { validReason } from '../shared/field-validation';
import { millisecondsOf } from '../shared/keyset';
import type { Page } from '../shared/page';
import { OfferingEntity } from './offering.entity';
import type { OfferingFilter, OfferingRecord, RegisterOfferingCommand } from './offering.model';
import { toOfferingRecord } from './offering-records';
import { validRegisterOffering } from './offering-validation';

/** Where and how a catalog model can be consumed: hosting, region, network zone, operator. */
@Injectable()
export class OfferingService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  list(principal: Principal, filter: OfferingFilter, size: number, after?: unknown[]): Promise<Page<OfferingRecord>> {
    if (filter.modelId !== undefined && !isUuid(filter.modelId)) return Promise.resolve({ rows: [], size });
    return this.scopes.openRead(principal, 'browse model offerings', async (tx) => {
      const query = tx
        .getRepository(OfferingEntity)
        .createQueryBuilder('o')
        .innerJoinAndSelect('o.model', 'm')
        .orderBy(millisecondsOf('o.created_at'), 'ASC')
        .addOrderBy('o.id', 'ASC')
        .limit(size + 1);
      if (filter.modelId) query.andWhere('o.model_id = :modelId', { modelId: filter.modelId });
      if (filter.hosting) query.andWhere('o.hosting = :hosting', { hosting: filter.hosting });
      if (filter.networkZone) query.andWhere('o.network_zone = :zone', { zone: filter.networkZone });
      if (filter.region) query.andWhere('o.region = :region', { region: filter.region.trim().toUpperCase() });
      if (filter.status) query.andWhere('o.status = :status', { status: filter.status });
      if (after) {
        query.andWhere(`(${millisecondsOf('o.created_at')}, o.id) > (:at, :afterId)`, { at: String(after[0]), afterId: String(after[1]) });
      }
      return { rows: (await query.getMany()).map(toOfferingRecord), size };
    });
  }

  /** Offerings of one model, oldest first (a model has a handful). */
  ofModel(principal: Principal, modelId: string): Promise<OfferingRecord[]> {
    return this.scopes.openRead(principal, `read offerings of model ${modelId}`, async (tx) => {
      const rows = await tx
        .getRepository(OfferingEntity)
        .createQueryBuilder('o')
        .innerJoinAndSelect('o.model', 'm')
        .where('o.model_id = :modelId', { modelId })
        .orderBy('o.created_at', 'ASC')
        .addOrderBy('o.id', 'ASC')
        .getMany();
      return rows.map(toOfferingRecord);
    });
  }

  get(principal: Principal, id: string): Promise<OfferingRecord> {
    if (!isUuid(id)) throw offeringNotFound(id);
    return this.scopes.openRead(principal, `read offering ${id}`, async (tx) => {
      const row = await tx.getRepository(OfferingEntity).findOne({ where: { id }, relations: { model: true } });
      if (!row) throw offeringNotFound(id);
      return toOfferingRecord(row);
    });
  }

  register(principal: Principal, command: RegisterOfferingCommand, now = new Date()): Promise<OfferingRecord> {
    const values = validRegisterOffering(command, now);
    if (!isUuid(values.modelId)) throw unknownModel(values.modelId);
    return this.scopes.admin(principal, `register offering of model ${values.modelId}`, async (tx) => {
      const model = await tx.getRepository(ModelEntity).findOne({ where: { id: values.modelId }, lock: { mode: 'pessimistic_read' } });
      if (!model) throw unknownModel(values.modelId);
      if (model.status === 'retired') {
        throw new CatalogError('MODEL_RETIRED', `Model ${model.name} is retired`, { modelId: model.id });
      }
      const repository = tx.getRepository(OfferingEntity);
      const saved = await repository.save(repository.create({ ...values, status: 'available' }));
      saved.model = model;
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.offeringRegister,
        resourceType: 'model-offering',
        resourceId: saved.id,
        details: {
          model: model.name,
          hosting: saved.hosting,
          region: saved.region,
          networkZone: saved.networkZone,
          operator: saved.operator,
          authorityConfirmationRef: saved.authorityConfirmationRef,
        },
      });
      return toOfferingRecord(saved);
    });
  }

  retire(principal: Principal, id: string, reason: string): Promise<OfferingRecord> {
    if (!isUuid(id)) throw offeringNotFound(id);
    const why = validReason(reason);
    return this.scopes.admin(principal, `retire offering ${id}`, async (tx) => {
      const repository = tx.getRepository(OfferingEntity);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw offeringNotFound(id);
      if (row.status === 'retired') throw new CatalogError('OFFERING_RETIRED', `Offering ${id} is already retired`, { id });
      const inUse = await endpointsInUse(tx, 'o.id = $1', id);
      if (inUse > 0) {
        throw new CatalogError('OFFERING_HAS_ACTIVE_ENDPOINTS', `Offering ${id} still serves ${inUse} endpoint(s); retire them first`, {
          id,
          endpoints: inUse,
        });
      }
      row.status = 'retired';
      row.retiredAt = new Date();
      await repository.save(row);
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.offeringRetire,
        resourceType: 'model-offering',
        resourceId: id,
        details: { reason: why },
      });
      const reloaded = await repository.findOneOrFail({ where: { id }, relations: { model: true } });
      return toOfferingRecord(reloaded);
    });
  }
}

export function offeringNotFound(id: string): CatalogError {
  return new CatalogError('OFFERING_NOT_FOUND', `No model offering with id ${id}`, { id });
}

function unknownModel(id: string): CatalogError {
  return new CatalogError('UNKNOWN_MODEL', `No model with id ${id}`, { modelId: id });
}
