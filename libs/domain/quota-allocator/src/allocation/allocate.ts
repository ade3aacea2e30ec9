import { QuotaConfigError } from '../config/config-issues';
import type { MemberDemand, MemberQuotaConfig, PoolConfig } from '../config/pool-config';
import { resolveMember } from '../config/resolved-member';
import { validatePoolConfig } from '../config/validate-pool-config';
import { DIMENSIONS, type Dimension, type PerDimension } from '../dimensions';
import { allocateDimension } from './allocate-dimension';
import type { DimensionAllocation, MemberAllocation } from './allocation-types';

/**
 * What each member of a pool gets for the given demands: its guarantee first, idle capacity lent by
 * weighted max-min fairness (water-filling) within lending limits, borrowing limits and hard caps.
 * Each dimension is allocated independently (see `allocateDimension` for the steps).
 *
 * Members without a demand entry want nothing. The result keeps the order of `members`.
 *
 * @throws QuotaConfigError when the pool config is invalid (see `validatePoolConfig`) or a demand
 *   names an institution that is not a member (UNKNOWN_MEMBER).
 * @throws RangeError for a negative or non-finite demand.
 */
export function allocate(pool: PoolConfig, members: readonly MemberQuotaConfig[], demands: readonly MemberDemand[]): Map<string, MemberAllocation> {
  const issues = validatePoolConfig(pool, members);
  if (issues.length > 0) throw new QuotaConfigError(issues);
  const demandById = demandsByMember(members, demands);
  const resolved = members.map((member) => resolveMember(pool, member));

  const byDimension = {} as Record<Dimension, DimensionAllocation[]>;
  for (const dimension of DIMENSIONS) {
    byDimension[dimension] = allocateDimension(
      pool.capacity[dimension],
      resolved.map((member) => ({
        weight: member.weight,
        guaranteed: member.guaranteed[dimension],
        demand: demandById.get(member.institutionId)?.[dimension] ?? 0,
        hardCap: member.hardCap[dimension],
        borrowingLimit: member.borrowingLimit[dimension],
        lendingLimit: member.lendingLimit[dimension],
      })),
    );
  }

  return new Map(
    resolved.map((member, index) => [
      member.institutionId,
      {
        tokensPerMinute: byDimension.tokensPerMinute[index]!,
        requestsPerMinute: byDimension.requestsPerMinute[index]!,
        concurrentRequests: byDimension.concurrentRequests[index]!,
      },
    ]),
  );
}

function demandsByMember(members: readonly MemberQuotaConfig[], demands: readonly MemberDemand[]): Map<string, PerDimension<number>> {
  const memberIds = new Set(members.map((member) => member.institutionId));
  const byMember = new Map<string, PerDimension<number>>();
  for (const { institutionId, demand } of demands) {
    if (!memberIds.has(institutionId)) {
      throw new QuotaConfigError([
        { code: 'UNKNOWN_MEMBER', institutionId, field: 'demand', message: `demand for ${institutionId}, which is not a member of the pool` },
      ]);
    }
    for (const dimension of DIMENSIONS) {
      const value = demand[dimension];
      if (!Number.isFinite(value) || value < 0) {
        throw new RangeError(`demand ${dimension} = ${value} of ${institutionId} must be a finite non-negative number`);
      }
    }
    byMember.set(institutionId, demand);
  }
  return byMember;
}
