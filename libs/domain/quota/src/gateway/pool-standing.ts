import { DIMENSIONS, memberUsage, poolUsage, type AdmissionPolicy, type Dimension, type LimiterState, type PerDimension } from '@ai-commons/quota-allocator';

/** One member's standing in one dimension, in that dimension's unit (per minute, or requests in flight). */
export interface DimensionStanding {
  readonly guaranteed: number;
  /** What admission charges the member with now: the last minute's tokens/requests, the leases held. */
  readonly inUse: number;
  /** Use above the guarantee (the console's "borrowed"). */
  readonly borrowed: number;
  /** Part of the member's unused guarantee that others' borrowing is using now. */
  readonly lent: number;
}

export interface PoolStanding {
  readonly capacity: PerDimension<number>;
  readonly inUse: PerDimension<number>;
  readonly members: ReadonlyMap<string, PerDimension<DimensionStanding>>;
}

/**
 * A pool's standing now, from its admission state: per member and dimension, guarantee, use,
 * borrowed and lent — the figures the console charts, but from the limiter's counters (what
 * admission decides on) rather than from usage records. Borrowing is served first from capacity
 * nobody is guaranteed (the pool's headroom), the rest from members' unused guarantees in
 * proportion to what each may lend, as `allocate` lends. Pure.
 */
export function poolStanding(policy: AdmissionPolicy, state: LimiterState, nowMs: number): PoolStanding {
  const used = new Map(policy.memberIds.map((id) => [id, memberUsage(policy, state, id, nowMs)]));
  const byDimension = {} as Record<Dimension, Map<string, DimensionStanding>>;
  for (const dimension of DIMENSIONS) {
    const rows = policy.memberIds.map((id) => {
      const guaranteed = policy.members[id].guaranteed[dimension];
      const inUse = used.get(id)![dimension];
      const lendable = Math.min(Math.max(0, guaranteed - inUse), policy.members[id].lendingLimit[dimension]);
      return { id, guaranteed, inUse, borrowed: Math.max(0, inUse - guaranteed), lendable };
    });
    const headroom = Math.max(0, policy.capacity[dimension] - sum(rows.map((row) => row.guaranteed)));
    const totalLendable = sum(rows.map((row) => row.lendable));
    const fromLenders = Math.min(totalLendable, Math.max(0, sum(rows.map((row) => row.borrowed)) - headroom));
    byDimension[dimension] = new Map(
      rows.map((row) => [
        row.id,
        { guaranteed: row.guaranteed, inUse: row.inUse, borrowed: row.borrowed, lent: totalLendable > 0 ? (fromLenders * row.lendable) / totalLendable : 0 },
      ]),
    );
  }
  const members = new Map(
    policy.memberIds.map((id) => [
      id,
      {
        tokensPerMinute: byDimension.tokensPerMinute.get(id)!,
        requestsPerMinute: byDimension.requestsPerMinute.get(id)!,
        concurrentRequests: byDimension.concurrentRequests.get(id)!,
      },
    ]),
  );
  return { capacity: policy.capacity, inUse: poolUsage(policy, state, nowMs), members };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
