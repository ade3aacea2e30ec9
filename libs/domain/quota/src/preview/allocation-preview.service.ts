import { Injectable } from '@nestjs/common';
import type { Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { allocate, DIMENSIONS, type ConfigIssue, type PoolCapacity } from '@ai-commons/quota-allocator';
import { quotaConfigError } from '../config/quota-errors';
import { resolvePoolConfig } from '../config/quota-pool-definition';
import { applyChange, emptyDefinition, loadDefinition, type QuotaPoolCommand } from '../pools/quota-pool-change';

/**
 * What a pool would look like with a change applied, without storing anything: weights,
 * guarantees, and the allocator's answer for `demands` (default: every member saturating).
 */
@Injectable()
export class AllocationPreviewService {
  constructor(private readonly scopes: TenantScopes) {}

  preview(principal: Principal, poolId: string | undefined, change: QuotaPoolCommand, demands?: { institutionId: string; demand: PoolCapacity }[]) {
    return this.scopes.admin(principal, 'preview quota allocation', async (tx) => {
      const current = poolId ? await loadDefinition(tx, poolId) : emptyDefinition(change.name ?? 'preview');
      const next = await applyChange(tx, current, change);
      const resolved = resolvePoolConfig(next);
      if (resolved.issues.length) return { issues: resolved.issues, members: [] };
      const wanted = demands ?? resolved.members.map((member) => ({ institutionId: member.institutionId, demand: resolved.pool.capacity }));
      const demandIssues = wanted.flatMap(({ institutionId, demand }) =>
        demandProblems(
          resolved.members.map((member) => member.institutionId),
          institutionId,
          demand,
        ),
      );
      if (demandIssues.length) throw quotaConfigError(demandIssues);
      const allocation = allocate(resolved.pool, resolved.members, wanted);
      return {
        issues: [],
        members: [...allocation.entries()].map(([institutionId, member]) => ({
          institutionId,
          weight: resolved.members.find((m) => m.institutionId === institutionId)?.weight ?? 0,
          dimensions: DIMENSIONS.map((dimension) => ({ dimension, ...member[dimension] })),
        })),
      };
    });
  }
}

/** What allocate() would throw on: a demand by a non-member, or a negative or non-finite one. */
function demandProblems(memberIds: readonly string[], institutionId: string, demand: PoolCapacity): ConfigIssue[] {
  if (!memberIds.includes(institutionId)) {
    return [{ code: 'UNKNOWN_MEMBER', institutionId, field: 'demand', message: `${institutionId} is not a member of the pool` }];
  }
  return DIMENSIONS.filter((dimension) => !(Number.isFinite(demand[dimension]) && demand[dimension] >= 0)).map((dimension) => ({
    code: 'NEGATIVE_LIMIT' as const,
    institutionId,
    dimension,
    field: 'demand',
    message: `demand ${dimension} = ${demand[dimension]} of ${institutionId} must be a finite non-negative number`,
  }));
}
