import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, CROSS_TENANT_ROLES, hasAnyRole, isUuid, type AuditSink, type Principal, type InstitutionStatus } from '@ai-commons/core';
import { TenantScopes, pgConstraint, pgErrorCode } from '@ai-commons/database';
import { InstitutionEntity, InstitutionStatusChangeEntity } from './institution.entity';
import type { Contact, DataClassification, InstitutionRecord, Sector, StatusChangeRecord } from './institution.model';
import { CachedInstitutionDirectory } from './institution-directory';
import { validCapital, validContacts, validName, validReason, validSlug } from './institution-validation';
import { nextStatus, type StatusAction } from './status-transitions';
import { TenancyError } from './tenancy-errors';

export interface CreateInstitutionCommand {
  slug: string;
  nameKo: string;
  nameEn: string;
  sector: Sector;
  investedCapitalKrw: string;
  dataClassificationCeiling?: DataClassification;
  contacts?: Contact[];
}

export type UpdateInstitutionCommand = Partial<Omit<CreateInstitutionCommand, 'slug'>>;

export interface InstitutionFilter {
  status?: InstitutionStatus;
  sector?: Sector;
}

export interface Page<T> {
  rows: T[];
  size: number;
}

/** Member institutions: the tenants. Every method runs in one transaction with RLS applied. */
@Injectable()
export class InstitutionService {
  constructor(
    private readonly scopes: TenantScopes,
    private readonly directory: CachedInstitutionDirectory,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  async list(principal: Principal, filter: InstitutionFilter, size: number, after?: unknown[]): Promise<Page<InstitutionRecord>> {
    return this.scopes.read(principal, 'list institutions', async (tx) => {
      const query = tx
        .getRepository(InstitutionEntity)
        .createQueryBuilder('i')
        .orderBy('i.slug', 'ASC')
        .limit(size + 1);
      if (filter.status) query.andWhere('i.status = :status', { status: filter.status });
      if (filter.sector) query.andWhere('i.sector = :sector', { sector: filter.sector });
      if (after) query.andWhere('i.slug > :after', { after: String(after[0]) });
      const rows = await query.getMany();
      const total = await this.capitalTotal(tx);
      return { rows: rows.map((row) => toRecord(row, total)), size };
    });
  }

  async get(principal: Principal, id: string): Promise<InstitutionRecord> {
    this.assertSameInstitution(principal, id);
    return this.scopes.read(principal, `read institution ${id}`, async (tx) => {
      const row = await tx.getRepository(InstitutionEntity).findOneBy({ id });
      if (!row) throw notFound(id);
      return toRecord(row, await this.capitalTotal(tx));
    });
  }

  async statusHistory(principal: Principal, id: string, size: number, after?: unknown[]): Promise<Page<StatusChangeRecord>> {
    this.assertSameInstitution(principal, id);
    return this.scopes.read(principal, `read status history of ${id}`, async (tx) => {
      const query = tx
        .getRepository(InstitutionStatusChangeEntity)
        .createQueryBuilder('h')
        .where('h.tenant_id = :id', { id })
        // Cursors carry JavaScript dates (milliseconds) while PostgreSQL keeps microseconds: order
        // and compare at the cursor's precision so pages neither repeat nor skip rows.
        .orderBy(`date_trunc('milliseconds', h.changed_at)`, 'ASC')
        .addOrderBy('h.id', 'ASC')
        .limit(size + 1);
      if (after) {
        query.andWhere(`(date_trunc('milliseconds', h.changed_at), h.id) > (:at, :afterId)`, { at: String(after[0]), afterId: String(after[1]) });
      }
      return { rows: await query.getMany(), size };
    });
  }

  async create(principal: Principal, command: CreateInstitutionCommand): Promise<InstitutionRecord> {
    const values = {
      slug: validSlug(command.slug),
      nameKo: validName('nameKo', command.nameKo),
      nameEn: validName('nameEn', command.nameEn),
      sector: command.sector,
      investedCapitalKrw: validCapital(command.investedCapitalKrw),
      dataClassificationCeiling: command.dataClassificationCeiling ?? 'internal',
      contacts: validContacts(command.contacts ?? []),
      status: 'active' as const,
    };
    return this.scopes.admin(principal, `create institution ${values.slug}`, async (tx) => {
      let row: InstitutionEntity;
      try {
        row = await tx.getRepository(InstitutionEntity).save(tx.getRepository(InstitutionEntity).create(values));
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'institutions_slug_key') {
          throw new TenancyError('INSTITUTION_SLUG_TAKEN', `An institution with slug "${values.slug}" exists`, { slug: values.slug });
        }
        throw error;
      }
      await this.recordStatusChange(tx, principal, row.id, null, 'active', 'created');
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.institutionCreate,
          resourceType: 'institution',
          resourceId: row.id,
          tenantId: row.id,
          outcome: 'success',
          details: { slug: row.slug, sector: row.sector, investedCapitalKrw: row.investedCapitalKrw },
        },
        tx,
      );
      this.directory.invalidate(row.slug);
      return toRecord(row, await this.capitalTotal(tx));
    });
  }

  async update(principal: Principal, id: string, command: UpdateInstitutionCommand): Promise<InstitutionRecord> {
    const changes: Partial<InstitutionEntity> = {};
    if (command.nameKo !== undefined && command.nameKo !== null) changes.nameKo = validName('nameKo', command.nameKo);
    if (command.nameEn !== undefined && command.nameEn !== null) changes.nameEn = validName('nameEn', command.nameEn);
    if (command.sector) changes.sector = command.sector;
    if (command.investedCapitalKrw !== undefined && command.investedCapitalKrw !== null) changes.investedCapitalKrw = validCapital(command.investedCapitalKrw);
    if (command.dataClassificationCeiling) changes.dataClassificationCeiling = command.dataClassificationCeiling;
    if (command.contacts) changes.contacts = validContacts(command.contacts);
    if (Object.keys(changes).length === 0) throw new TenancyError('EMPTY_UPDATE', 'Nothing to update');

    validId(id);
    return this.scopes.admin(principal, `update institution ${id}`, async (tx) => {
      const repository = tx.getRepository(InstitutionEntity);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound(id);
      if (row.status === 'offboarded') {
        throw new TenancyError('ILLEGAL_STATUS_TRANSITION', 'An offboarded institution cannot be changed', { status: row.status });
      }
      const before = pick(row, Object.keys(changes) as (keyof InstitutionEntity)[]);
      Object.assign(row, changes);
      const saved = await repository.save(row);
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.institutionUpdate,
          resourceType: 'institution',
          resourceId: id,
          tenantId: id,
          outcome: 'success',
          details: { before, after: changes },
        },
        tx,
      );
      return toRecord(saved, await this.capitalTotal(tx));
    });
  }

  async changeStatus(principal: Principal, id: string, action: StatusAction, reason: string): Promise<InstitutionRecord> {
    validId(id);
    const why = validReason(reason);
    return this.scopes.admin(principal, `${action} institution ${id}`, async (tx) => {
      const repository = tx.getRepository(InstitutionEntity);
      const row = await repository.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound(id);
      const from = row.status;
      row.status = nextStatus(from, action);
      const saved = await repository.save(row);
      await this.recordStatusChange(tx, principal, id, from, row.status, why);
      await this.audit.record(
        {
          action: STATUS_ACTION[action],
          resourceType: 'institution',
          resourceId: id,
          tenantId: id,
          outcome: 'success',
          details: { from, to: row.status, reason: why },
        },
        tx,
      );
      this.directory.invalidate(row.slug);
      return toRecord(saved, await this.capitalTotal(tx));
    });
  }

  /** Tenant users may only name their own institution; cross-tenant roles may name any. */
  private assertSameInstitution(principal: Principal, id: string): void {
    validId(id);
    if (hasAnyRole(principal, CROSS_TENANT_ROLES)) return;
    if (principal.institutionId !== id) {
      throw new TenancyError('WRONG_INSTITUTION', 'You may only access your own institution');
    }
  }

  private async capitalTotal(tx: EntityManager): Promise<bigint> {
    const [{ total }] = await tx.query('select consortium_invested_capital_krw()::text as total');
    return BigInt(total);
  }

  private async recordStatusChange(
    tx: EntityManager,
    principal: Principal,
    tenantId: string,
    fromStatus: InstitutionStatus | null,
    toStatus: InstitutionStatus,
    reason: string,
  ): Promise<void> {
    const repository = tx.getRepository(InstitutionStatusChangeEntity);
    await repository.insert({ tenantId, fromStatus, toStatus, reason, actorSubject: principal.subject });
  }
}

const STATUS_ACTION = {
  suspend: AUDIT_ACTIONS.institutionSuspend,
  reactivate: AUDIT_ACTIONS.institutionReactivate,
  offboard: AUDIT_ACTIONS.institutionOffboard,
} as const satisfies Record<StatusAction, string>;

/** A malformed id names no institution: same answer as an unknown one. */
function validId(id: string): void {
  if (!isUuid(id)) throw notFound(id);
}

function notFound(id: string): TenancyError {
  return new TenancyError('INSTITUTION_NOT_FOUND', `No institution with id ${id}`, { id });
}

function pick<T extends object>(source: T, keys: (keyof T)[]): Partial<T> {
  return Object.fromEntries(keys.map((key) => [key, source[key]])) as Partial<T>;
}

// Weight = capital / capital of all active members, computed with integers to 1e-9 precision.
function toRecord(row: InstitutionEntity, activeCapitalTotal: bigint): InstitutionRecord {
  const capital = BigInt(row.investedCapitalKrw);
  const weight = row.status === 'active' && activeCapitalTotal > 0n ? Number((capital * 1_000_000_000n) / activeCapitalTotal) / 1e9 : 0;
  return {
    id: row.id,
    slug: row.slug,
    nameKo: row.nameKo,
    nameEn: row.nameEn,
    sector: row.sector,
    investedCapitalKrw: capital.toString(),
    investmentWeight: weight,
    status: row.status,
    dataClassificationCeiling: row.dataClassificationCeiling,
    contacts: row.contacts,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
