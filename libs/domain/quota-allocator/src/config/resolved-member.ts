import { type PerDimension, perDimension } from '../dimensions';
import { guaranteeOf } from './guaranteed-shares';
import type { DimensionLimits, MemberQuotaConfig, PoolCapacity, PoolConfig } from './pool-config';

/** A member's quota with every optional limit made explicit. Unlimited means "the pool's capacity". */
export interface ResolvedMember {
  readonly institutionId: string;
  readonly weight: number;
  readonly guaranteed: PoolCapacity;
  readonly hardCap: PoolCapacity;
  readonly borrowingLimit: PoolCapacity;
  readonly lendingLimit: PoolCapacity;
  readonly periodTokenBudget: number | null;
}

export function resolveMember(pool: PoolConfig, member: MemberQuotaConfig): ResolvedMember {
  return {
    institutionId: member.institutionId,
    weight: member.weight,
    guaranteed: guaranteeOf(pool, member.weight),
    hardCap: orCapacity(pool, member.hardCap),
    borrowingLimit: orCapacity(pool, member.borrowingLimit),
    lendingLimit: orCapacity(pool, member.lendingLimit),
    periodTokenBudget: member.periodTokenBudget ?? null,
  };
}

// Nobody can use, borrow or lend more than the pool has, so capacity is a finite stand-in for
// "unlimited" that keeps the resolved policy JSON-serialisable.
function orCapacity(pool: PoolConfig, limits: DimensionLimits | undefined): PerDimension<number> {
  return perDimension((dimension) => Math.min(limits?.[dimension] ?? Infinity, pool.capacity[dimension]));
}
