import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal, isUuid } from '@ai-commons/core';
import { pgConstraint, pgErrorCode, TenantScopes } from '@ai-commons/database';
import { auditSuccess } from '../shared/audit-writer';
import { CatalogError } from '../shared/catalog-errors';
import { endpointNotFound, loadEndpoint } from '../endpoints/endpoint-records';
import { assertNotRetired, lockEndpoint } from '../endpoints/endpoint.service';
import type { EndpointRecord } from '../endpoints/endpoint.model';
import { validUpstreamUrl } from '../endpoints/endpoint-validation';
import { EndpointTargetEntity } from './target.entity';
import type { TargetState } from './target.model';
import { assertKeepsAnActiveTarget, assertRoomForTarget, validTargetWeight } from './target-rules';

/**
 * An endpoint's upstream replicas. Platform admins add, reweigh, drain, reactivate and remove them;
 * each change answers with the endpoint (its targets included) and is audited. The endpoint row is
 * locked first, so concurrent changes to one endpoint's targets are serialised and the "one active
 * target stays" rule holds.
 */
@Injectable()
export class EndpointTargetService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  add(principal: Principal, endpointId: string, url: string, weight = 1): Promise<EndpointRecord> {
    if (!isUuid(endpointId)) throw endpointNotFound(endpointId);
    const values = { url: validUpstreamUrl(url), weight: validTargetWeight(weight) };
    return this.scopes.admin(principal, `add a target to endpoint ${endpointId}`, async (tx) => {
      const endpoint = await lockEndpoint(tx, endpointId);
      assertNotRetired(endpoint);
      assertRoomForTarget(await tx.getRepository(EndpointTargetEntity).countBy({ endpointId }));
      let id: string;
      try {
        const inserted = await tx.getRepository(EndpointTargetEntity).insert({ tenantId: endpoint.tenantId, endpointId, ...values, updatedAt: () => 'now()' });
        id = (inserted.identifiers[0] as { id: string }).id;
      } catch (error) {
        if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'endpoint_targets_url_key') {
          throw new CatalogError('TARGET_URL_TAKEN', 'The endpoint already has a target with this URL', { url: values.url });
        }
        throw error;
      }
      await this.audited(tx, AUDIT_ACTIONS.endpointTargetAdd, endpoint.tenantId, endpointId, { name: endpoint.name, targetId: id, ...values });
      return loadEndpoint(tx, endpointId);
    });
  }

  setWeight(principal: Principal, targetId: string, weight: number): Promise<EndpointRecord> {
    const after = validTargetWeight(weight);
    return this.change(principal, targetId, 'reweigh', async (tx, target) => {
      await updateTarget(tx, target, { weight: after });
      return { before: { weight: target.weight }, after: { weight: after } };
    });
  }

  /** `draining`: the gateway sends the target no new request; `active`: it takes them again. */
  setState(principal: Principal, targetId: string, state: TargetState): Promise<EndpointRecord> {
    return this.change(principal, targetId, state === 'draining' ? 'drain' : 'activate', async (tx, target, siblings) => {
      if (target.state === state) {
        throw new CatalogError('ILLEGAL_STATE_TRANSITION', `The target is already ${state}`, { from: target.state, to: state });
      }
      if (state === 'draining') assertKeepsAnActiveTarget(siblings, target.id);
      await updateTarget(tx, target, { state });
      return { before: { state: target.state }, after: { state } };
    });
  }

  remove(principal: Principal, targetId: string): Promise<EndpointRecord> {
    return this.change(principal, targetId, 'remove', async (tx, target, siblings) => {
      assertKeepsAnActiveTarget(siblings, target.id);
      await tx.getRepository(EndpointTargetEntity).delete({ tenantId: target.tenantId, id: target.id });
      return { before: { url: target.url, weight: target.weight, state: target.state }, after: null };
    });
  }

  /** Locks the target's endpoint, applies one change to the target and audits it. */
  private change(
    principal: Principal,
    targetId: string,
    verb: string,
    apply: (
      tx: EntityManager,
      target: EndpointTargetEntity,
      siblings: EndpointTargetEntity[],
    ) => Promise<{ before: Record<string, unknown>; after: Record<string, unknown> | null }>,
  ): Promise<EndpointRecord> {
    if (!isUuid(targetId)) throw targetNotFound(targetId);
    return this.scopes.admin(principal, `${verb} endpoint target ${targetId}`, async (tx) => {
      const found = await tx.getRepository(EndpointTargetEntity).findOneBy({ id: targetId });
      if (!found) throw targetNotFound(targetId);
      const endpoint = await lockEndpoint(tx, found.endpointId);
      assertNotRetired(endpoint);
      // Read again under the endpoint's lock: what the rules judge is what the change applies to.
      const siblings = await tx.getRepository(EndpointTargetEntity).findBy({ endpointId: endpoint.id });
      const target = siblings.find((sibling) => sibling.id === targetId);
      if (!target) throw targetNotFound(targetId);
      const { before, after } = await apply(tx, target, siblings);
      const action = verb === 'remove' ? AUDIT_ACTIONS.endpointTargetRemove : AUDIT_ACTIONS.endpointTargetUpdate;
      await this.audited(tx, action, endpoint.tenantId, endpoint.id, { name: endpoint.name, targetId, url: target.url, change: verb, before, after });
      return loadEndpoint(tx, endpoint.id);
    });
  }

  private async audited(
    tx: EntityManager,
    action: (typeof AUDIT_ACTIONS)[keyof typeof AUDIT_ACTIONS],
    tenantId: string,
    endpointId: string,
    details: Record<string, unknown>,
  ) {
    await auditSuccess(this.audit, tx, { action, resourceType: 'endpoint', resourceId: endpointId, tenantId, details });
  }
}

async function updateTarget(tx: EntityManager, target: EndpointTargetEntity, changes: Partial<Pick<EndpointTargetEntity, 'weight' | 'state'>>): Promise<void> {
  await tx
    .createQueryBuilder()
    .update(EndpointTargetEntity)
    .set({ ...changes, updatedAt: () => 'now()' })
    .where('tenant_id = :tenantId and id = :id', { tenantId: target.tenantId, id: target.id })
    .execute();
}

function targetNotFound(id: string): CatalogError {
  return new CatalogError('TARGET_NOT_FOUND', `No endpoint target with id ${id}`, { id });
}
