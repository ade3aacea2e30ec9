import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager, UpdateQueryBuilder } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal, isUuid } from '@ai-commons/core';
import { pgConstraint, pgErrorCode, TenantScopes } from '@ai-commons/database';
import { CREDENTIAL_CIPHER, type CredentialCipher } from '../credentials';
import { auditSuccess } from '../shared/audit-writer';
import { CatalogError } from '../shared/catalog-errors';
import { validReason } from '../shared/field-validation';
import { millisecondsOf } from '../shared/keyset';
import type { Page } from '../shared/page';
import { EndpointTargetEntity } from '../targets/target.entity';
import type { LoadBalancing } from '../targets/target.model';
import { sealEndpointCredential } from './endpoint-credential';
import { EndpointEntity, EndpointStateChangeEntity } from './endpoint.entity';
import { validLimits, type LimitsPatch } from './endpoint-limits';
import type { CreateEndpointCommand, EndpointFilter, EndpointRecord, EndpointState, EndpointStateChangeRecord } from './endpoint.model';
import { endpointNotFound, endpointQuery, loadEndpoint, toEndpointRecords } from './endpoint-records';
import { assertTransition } from './endpoint-state';
import { validAllowedExtraFields, validCreateEndpoint, validCredential } from './endpoint-validation';

/**
 * Institutions' endpoints. Platform admins write (cross-tenant admin scope); members read their
 * own institution's (RLS tenant scope), platform admins and regulators all of them. An endpoint
 * the caller cannot see is indistinguishable from one that does not exist.
 */
@Injectable()
export class EndpointService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: CredentialCipher,
  ) {}

  list(principal: Principal, filter: EndpointFilter, size: number, after?: unknown[]): Promise<Page<EndpointRecord>> {
    for (const id of [filter.institutionId, filter.offeringId]) {
      if (id !== undefined && !isUuid(id)) return Promise.resolve({ rows: [], size });
    }
    return this.scopes.read(principal, 'list endpoints', async (tx) => {
      const query = endpointQuery(tx)
        .orderBy('e.name', 'ASC')
        .addOrderBy('e.id', 'ASC')
        .limit(size + 1);
      if (filter.institutionId) query.andWhere('e.tenant_id = :tenantId', { tenantId: filter.institutionId });
      if (filter.name) query.andWhere('e.name = :name', { name: filter.name });
      if (filter.state) query.andWhere('e.state = :state', { state: filter.state });
      if (filter.health) query.andWhere('e.health = :health', { health: filter.health });
      if (filter.offeringId) query.andWhere('e.offering_id = :offeringId', { offeringId: filter.offeringId });
      if (filter.isolationMode) query.andWhere('e.isolation_mode = :mode', { mode: filter.isolationMode });
      if (after) query.andWhere('(e.name, e.id) > (:afterName, :afterId)', { afterName: String(after[0]), afterId: String(after[1]) });
      return { rows: await toEndpointRecords(tx, await query.getMany()), size };
    });
  }

  get(principal: Principal, id: string): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    return this.scopes.read(principal, `read endpoint ${id}`, async (tx) => loadEndpoint(tx, id));
  }

  stateHistory(principal: Principal, endpointId: string, size: number, after?: unknown[]): Promise<Page<EndpointStateChangeRecord>> {
    if (!isUuid(endpointId)) throw endpointNotFound(endpointId);
    return this.scopes.read(principal, `read state history of endpoint ${endpointId}`, async (tx) => {
      const query = tx
        .getRepository(EndpointStateChangeEntity)
        .createQueryBuilder('h')
        .where('h.endpoint_id = :endpointId', { endpointId })
        .orderBy(millisecondsOf('h.changed_at'), 'ASC')
        .addOrderBy('h.id', 'ASC')
        .limit(size + 1);
      if (after) query.andWhere(`(${millisecondsOf('h.changed_at')}, h.id) > (:at, :afterId)`, { at: String(after[0]), afterId: String(after[1]) });
      return { rows: await query.getMany(), size };
    });
  }

  create(principal: Principal, command: CreateEndpointCommand): Promise<EndpointRecord> {
    const { credential, upstreamUrl, ...values } = validCreateEndpoint(command);
    return this.scopes.admin(principal, `create endpoint ${values.name}`, async (tx) => {
      await assertInstitutionAcceptsEndpoints(tx, values.tenantId);
      await assertOfferingAvailable(tx, values.offeringId);
      const id = randomUUID();
      const sealed = credential === null ? undefined : sealEndpointCredential(this.cipher, values.tenantId, id, credential);
      try {
        await tx
          .createQueryBuilder()
          .insert()
          .into(EndpointEntity)
          .values({
            ...values,
            id,
            state: 'provisioning',
            health: 'unknown',
            ...(sealed ? { ...sealed, credentialRotatedAt: () => 'now()' } : {}),
            updatedAt: () => 'now()',
          })
          .execute();
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'endpoints_name_key') {
          throw new CatalogError('ENDPOINT_NAME_TAKEN', `The institution already has an endpoint named "${values.name}"`, {
            name: values.name,
            institutionId: values.tenantId,
          });
        }
        throw error;
      }
      // The upstream URL given at creation is the endpoint's first target (replica).
      await tx.getRepository(EndpointTargetEntity).insert({ tenantId: values.tenantId, endpointId: id, url: upstreamUrl, updatedAt: () => 'now()' });
      await recordStateChange(tx, principal, values.tenantId, id, null, 'provisioning', 'created');
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointCreate,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: values.tenantId,
        details: {
          name: values.name,
          offeringId: values.offeringId,
          isolationMode: values.isolationMode,
          driver: values.driver,
          upstreamUrl,
          upstreamModel: values.upstreamModel,
          hasCredential: sealed !== undefined,
        },
      });
      return loadEndpoint(tx, id);
    });
  }

  changeState(principal: Principal, id: string, to: EndpointState, reason: string): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    const why = validReason(reason);
    return this.scopes.admin(principal, `change state of endpoint ${id}`, async (tx) => {
      const row = await lockEndpoint(tx, id);
      const from = row.state;
      assertTransition(from, to);
      await updateEndpoint(tx, row, { state: to });
      await recordStateChange(tx, principal, row.tenantId, id, from, to, why);
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointStateChange,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: row.tenantId,
        details: { name: row.name, from, to, reason: why },
      });
      return loadEndpoint(tx, id);
    });
  }

  updateLimits(principal: Principal, id: string, patch: LimitsPatch): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    if (Object.values(patch).every((value) => value === undefined || value === null)) {
      throw new CatalogError('EMPTY_UPDATE', 'Give at least one limit to change');
    }
    return this.scopes.admin(principal, `update limits of endpoint ${id}`, async (tx) => {
      const row = await lockEndpoint(tx, id);
      assertNotRetired(row);
      const before = currentLimits(row);
      const after = validLimits(before, patch);
      await updateEndpoint(tx, row, after);
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointLimitsUpdate,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: row.tenantId,
        details: { name: row.name, before, after },
      });
      return loadEndpoint(tx, id);
    });
  }

  /**
   * Replaces the request fields the endpoint forwards beyond its driver's allow-list (e.g. vLLM's
   * `chat_template_kwargs` on a dedicated endpoint). Anything else a caller sends is refused.
   */
  setAllowedExtraFields(principal: Principal, id: string, fields: string[]): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    const after = validAllowedExtraFields(fields);
    return this.scopes.admin(principal, `set allowed extra fields of endpoint ${id}`, async (tx) => {
      const row = await lockEndpoint(tx, id);
      assertNotRetired(row);
      await updateEndpoint(tx, row, { allowedExtraFields: after });
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointAllowedFieldsUpdate,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: row.tenantId,
        details: { name: row.name, before: row.allowedExtraFields, after },
      });
      return loadEndpoint(tx, id);
    });
  }

  /** How the gateway spreads the endpoint's requests over its targets. */
  setLoadBalancing(principal: Principal, id: string, mode: LoadBalancing): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    return this.scopes.admin(principal, `set load balancing of endpoint ${id}`, async (tx) => {
      const row = await lockEndpoint(tx, id);
      assertNotRetired(row);
      await updateEndpoint(tx, row, { loadBalancing: mode });
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointLoadBalancingUpdate,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: row.tenantId,
        details: { name: row.name, before: row.loadBalancing, after: mode },
      });
      return loadEndpoint(tx, id);
    });
  }

  /** Replaces the upstream credential. The audit record says only that it happened. */
  rotateCredential(principal: Principal, id: string, credential: string): Promise<EndpointRecord> {
    if (!isUuid(id)) throw endpointNotFound(id);
    const plaintext = validCredential(credential);
    return this.scopes.admin(principal, `rotate credential of endpoint ${id}`, async (tx) => {
      const row = await lockEndpoint(tx, id);
      assertNotRetired(row);
      const sealed = sealEndpointCredential(this.cipher, row.tenantId, id, plaintext);
      await updateEndpoint(tx, row, { ...sealed, credentialRotatedAt: () => 'now()' });
      await auditSuccess(this.audit, tx, {
        action: AUDIT_ACTIONS.endpointCredentialRotate,
        resourceType: 'endpoint',
        resourceId: id,
        tenantId: row.tenantId,
        details: { name: row.name },
      });
      return loadEndpoint(tx, id);
    });
  }
}

export async function lockEndpoint(tx: EntityManager, id: string): Promise<EndpointEntity> {
  const row = await tx.getRepository(EndpointEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  if (!row) throw endpointNotFound(id);
  return row;
}

type EndpointChanges = Parameters<UpdateQueryBuilder<EndpointEntity>['set']>[0];

async function updateEndpoint(tx: EntityManager, row: EndpointEntity, changes: EndpointChanges): Promise<void> {
  await tx
    .createQueryBuilder()
    .update(EndpointEntity)
    .set({ ...changes, updatedAt: () => 'now()' })
    .where('tenant_id = :tenantId and id = :id', { tenantId: row.tenantId, id: row.id })
    .execute();
}

function currentLimits(row: EndpointEntity) {
  return {
    maxRequestBytes: row.maxRequestBytes,
    maxOutputTokens: row.maxOutputTokens,
    defaultMaxTokens: row.defaultMaxTokens,
    connectTimeoutMs: row.connectTimeoutMs,
    firstByteTimeoutMs: row.firstByteTimeoutMs,
    requestTimeoutMs: row.requestTimeoutMs,
    maxChoices: row.maxChoices,
    imageInputTokens: row.imageInputTokens,
  };
}

export function assertNotRetired(row: EndpointEntity): void {
  if (row.state === 'retired') {
    throw new CatalogError('ENDPOINT_RETIRED', `Endpoint ${row.name} is retired and cannot be changed`, { id: row.id });
  }
}

async function assertInstitutionAcceptsEndpoints(tx: EntityManager, tenantId: string): Promise<void> {
  const rows: { status: string }[] = await tx.query('select status from institutions where id = $1 for key share', [tenantId]);
  if (rows.length === 0) throw new CatalogError('UNKNOWN_INSTITUTION', `No institution with id ${tenantId}`, { institutionId: tenantId });
  if (rows[0].status === 'offboarded') {
    throw new CatalogError('INSTITUTION_OFFBOARDED', 'The institution is offboarded', { institutionId: tenantId });
  }
}

/** The offering and its model must be available; share locks hold off a concurrent retirement. */
async function assertOfferingAvailable(tx: EntityManager, offeringId: string): Promise<void> {
  const rows: { offering_status: string; model_status: string }[] = await tx.query(
    `select o.status as offering_status, m.status as model_status
     from model_offerings o join models m on m.id = o.model_id where o.id = $1 for share`,
    [offeringId],
  );
  if (rows.length === 0) throw new CatalogError('UNKNOWN_OFFERING', `No model offering with id ${offeringId}`, { offeringId });
  if (rows[0].offering_status !== 'available' || rows[0].model_status !== 'available') {
    throw new CatalogError('OFFERING_RETIRED', 'The offering or its model is retired', { offeringId });
  }
}

async function recordStateChange(
  tx: EntityManager,
  principal: Principal,
  tenantId: string,
  endpointId: string,
  fromState: EndpointState | null,
  toState: EndpointState,
  reason: string,
): Promise<void> {
  await tx.getRepository(EndpointStateChangeEntity).insert({ tenantId, endpointId, fromState, toState, reason, actorSubject: principal.subject });
}
