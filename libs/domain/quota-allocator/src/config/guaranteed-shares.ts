import { perDimension } from '../dimensions';
import type { MemberQuotaConfig, PoolCapacity, PoolConfig } from './pool-config';

/** guarantee = weight × (1 − headroom) × capacity, per dimension. */
export function guaranteeOf(pool: PoolConfig, weight: number): PoolCapacity {
  return perDimension((dimension) => weight * (1 - pool.headroom) * pool.capacity[dimension]);
}

/** Each member's guaranteed share of the pool, in the order of `members`. */
export function guaranteedShares(pool: PoolConfig, members: readonly MemberQuotaConfig[]): Map<string, PoolCapacity> {
  return new Map(members.map((member) => [member.institutionId, guaranteeOf(pool, member.weight)]));
}
