import { DIMENSIONS, type Dimension, type MemberDemand, type MemberQuotaConfig, type PerDimension, type PoolConfig } from '../../src';

export interface ReferenceShare {
  readonly allocated: number;
  readonly borrowed: number;
  readonly lent: number;
}

/**
 * Deliberately naive allocation for tests: the same model as `allocate`, but idle capacity is handed
 * out by progressive filling — every round splits what is left among the still-unsatisfied members
 * in proportion to weight and clips each at its want — instead of solving for the water level.
 */
export function referenceAllocate(
  pool: PoolConfig,
  members: readonly MemberQuotaConfig[],
  demands: readonly MemberDemand[],
): Map<string, PerDimension<ReferenceShare>> {
  const perDimensionShares = {} as Record<Dimension, ReferenceShare[]>;
  for (const dimension of DIMENSIONS) perDimensionShares[dimension] = referenceDimension(pool, members, demands, dimension);
  return new Map(
    members.map((member, index) => [
      member.institutionId,
      {
        tokensPerMinute: perDimensionShares.tokensPerMinute[index]!,
        requestsPerMinute: perDimensionShares.requestsPerMinute[index]!,
        concurrentRequests: perDimensionShares.concurrentRequests[index]!,
      },
    ]),
  );
}

function referenceDimension(pool: PoolConfig, members: readonly MemberQuotaConfig[], demands: readonly MemberDemand[], dimension: Dimension): ReferenceShare[] {
  const capacity = pool.capacity[dimension];
  const rows = members.map((member) => {
    const guaranteed = member.weight * (1 - pool.headroom) * capacity;
    const demand = demands.find((entry) => entry.institutionId === member.institutionId)?.demand[dimension] ?? 0;
    const hardCap = member.hardCap?.[dimension] ?? capacity;
    const borrowingLimit = member.borrowingLimit?.[dimension] ?? capacity;
    const lendingLimit = member.lendingLimit?.[dimension] ?? capacity;
    const own = Math.min(demand, guaranteed, hardCap);
    const lendable = Math.min(guaranteed - own, lendingLimit);
    const ceiling = Math.min(demand, hardCap, guaranteed + borrowingLimit, capacity);
    return { weight: member.weight, guaranteed, own, lendable, want: Math.max(0, ceiling - own), borrowed: 0 };
  });
  const guaranteedTotal = rows.reduce((sum, row) => sum + row.guaranteed, 0);
  const lendableTotal = rows.reduce((sum, row) => sum + row.lendable, 0);
  const headroomSupply = Math.max(0, capacity - guaranteedTotal);
  let supply = headroomSupply + lendableTotal;

  // First everyone who invested, by weight; then weight-0 members share what is left equally.
  for (const tier of [(weight: number) => (weight > 0 ? weight : 0), (weight: number) => (weight > 0 ? 0 : 1)]) {
    for (let round = 0; round <= rows.length && supply > 1e-12 * capacity; round += 1) {
      const hungry = rows.filter((row) => tier(row.weight) > 0 && row.want - row.borrowed > 1e-12 * capacity);
      if (hungry.length === 0) break;
      const tierWeight = hungry.reduce((sum, row) => sum + tier(row.weight), 0);
      let handedOut = 0;
      for (const row of hungry) {
        const offer = (supply * tier(row.weight)) / tierWeight;
        const taken = Math.min(offer, row.want - row.borrowed);
        row.borrowed += taken;
        handedOut += taken;
      }
      supply -= handedOut;
    }
  }

  const borrowedTotal = rows.reduce((sum, row) => sum + row.borrowed, 0);
  const fromLenders = Math.max(0, borrowedTotal - headroomSupply);
  return rows.map((row) => ({
    allocated: row.own + row.borrowed,
    borrowed: row.borrowed,
    lent: lendableTotal > 0 ? (fromLenders * row.lendable) / lendableTotal : 0,
  }));
}
