import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, isUuid, type AuditAction, type AuditSink, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { QuotaError } from '../config/quota-errors';
import { loadPoolDefinitions, type QuotaPoolDefinition } from '../config/quota-pool-definition';
import { applyChange, emptyDefinition, loadDefinition, type QuotaPoolCommand } from './quota-pool-change';
import { poolNotFound, toView, type QuotaPoolView } from './quota-pool-view';

const POOL_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Pool administration by platform admins: every change is validated as a whole with the
 * allocator's rules before anything is stored, and audited in the same transaction.
 */
@Injectable()
export class QuotaPoolAdminService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  create(principal: Principal, command: QuotaPoolCommand): Promise<QuotaPoolView> {
    const name = command.name ?? '';
    if (!POOL_NAME.test(name)) throw new QuotaError('INVALID_POOL_NAME', 'A pool name is 1–63 lowercase letters, digits, ".", "_" or "-"', { name });
    return this.scopes.admin(principal, `create quota pool ${name}`, async (tx) => {
      const [taken] = (await tx.query(`select id from quota_pools where name = $1`, [name])) as { id: string }[];
      if (taken) throw new QuotaError('POOL_NAME_TAKEN', `A pool named ${name} exists`, { name, id: taken.id });
      if (!command.capacity) throw new QuotaError('INVALID_CAPACITY', 'A new pool needs a capacity', { field: 'capacity' });
      const next = await applyChange(tx, emptyDefinition(name), command);
      const [{ id }] = (await tx.query(
        `insert into quota_pools (name, capacity_tokens_per_minute, capacity_requests_per_minute, capacity_concurrent_requests, headroom) values ($1, 0, 0, 0, 0) returning id`,
        [name],
      )) as { id: string }[];
      return this.save(tx, { ...next, id }, AUDIT_ACTIONS.quotaPoolCreate);
    });
  }

  update(principal: Principal, poolId: string, command: QuotaPoolCommand): Promise<QuotaPoolView> {
    if (!isUuid(poolId)) throw poolNotFound(poolId);
    return this.scopes.admin(principal, `update quota pool ${poolId}`, async (tx) => {
      const current = await loadDefinition(tx, poolId, true);
      return this.save(tx, await applyChange(tx, current, command), AUDIT_ACTIONS.quotaPoolUpdate);
    });
  }

  removeMember(principal: Principal, poolId: string, institutionId: string): Promise<QuotaPoolView> {
    if (!isUuid(poolId)) throw poolNotFound(poolId);
    return this.scopes.admin(principal, `remove quota member from ${poolId}`, async (tx) => {
      const current = await loadDefinition(tx, poolId, true);
      if (!current.members.some((member) => member.institutionId === institutionId)) {
        throw new QuotaError('MEMBER_NOT_FOUND', `Institution ${institutionId} is not a member of pool ${current.name}`, { poolId, institutionId });
      }
      return this.save(
        tx,
        { ...current, members: current.members.filter((member) => member.institutionId !== institutionId) },
        AUDIT_ACTIONS.quotaPoolRemoveMember,
      );
    });
  }

  private async save(tx: EntityManager, definition: QuotaPoolDefinition, action: AuditAction): Promise<QuotaPoolView> {
    const { id } = definition;
    await tx.query(
      `update quota_pools set description = $2, capacity_tokens_per_minute = $3, capacity_requests_per_minute = $4, capacity_concurrent_requests = $5,
              headroom = $6, monthly_cost_krw = $7, updated_at = now() where id = $1`,
      [
        id,
        definition.description,
        definition.capacity.tokensPerMinute,
        definition.capacity.requestsPerMinute,
        definition.capacity.concurrentRequests,
        definition.headroom,
        definition.monthlyCostKrw,
      ],
    );
    await tx.query(`delete from quota_pool_endpoints where pool_id = $1`, [id]);
    for (const endpoint of definition.endpoints) {
      await tx.query(`insert into quota_pool_endpoints (tenant_id, endpoint_id, pool_id) values ($1, $2, $3)`, [endpoint.tenantId, endpoint.endpointId, id]);
    }
    await tx.query(`delete from quota_pool_members where pool_id = $1 and not (tenant_id = any($2))`, [
      id,
      definition.members.map((member) => member.institutionId),
    ]);
    for (const member of definition.members) {
      await tx.query(
        `insert into quota_pool_members (tenant_id, pool_id, weight_override, lending_limit, borrowing_limit, hard_cap, period_token_budget)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id, pool_id) do update set weight_override = excluded.weight_override, lending_limit = excluded.lending_limit,
           borrowing_limit = excluded.borrowing_limit, hard_cap = excluded.hard_cap, period_token_budget = excluded.period_token_budget, updated_at = now()`,
        [member.institutionId, id, member.weightOverride, member.lendingLimit, member.borrowingLimit, member.hardCap, member.periodTokenBudget],
      );
    }
    const [saved] = await loadPoolDefinitions(tx, id);
    const view = toView(saved!);
    await this.audit.record(
      {
        action,
        resourceType: 'quota_pool',
        resourceId: id,
        outcome: 'success',
        details: {
          name: view.name,
          capacity: view.capacity,
          headroom: view.headroom,
          endpoints: view.endpoints.length,
          members: view.members.map((member) => ({ institutionId: member.institutionId, weight: member.weight, weightOverride: member.weightOverride })),
        },
      },
      tx,
    );
    return view;
  }
}
