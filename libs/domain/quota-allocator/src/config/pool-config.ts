import type { PerDimension } from '../dimensions';

/**
 * What a capacity pool can serve: tokens per minute, requests per minute and requests in flight.
 * All endpoints of a pool draw on the same capacity.
 */
export interface PoolCapacity {
  readonly tokensPerMinute: number;
  readonly requestsPerMinute: number;
  readonly concurrentRequests: number;
}

export interface PoolConfig {
  readonly capacity: PoolCapacity;
  /**
   * Fraction of capacity (0 ≤ headroom < 1) that is guaranteed to nobody. It is always lendable,
   * absorbs estimation error and lets borrowers run without touching anyone's guarantee.
   */
  readonly headroom: number;
}

/** A per-dimension limit; a dimension left out is unlimited (bounded by the pool's capacity). */
export type DimensionLimits = Partial<PerDimension<number>>;

/**
 * One institution's quota in one pool. Limits are absolute amounts in the dimension's own unit
 * (tokens/min, requests/min, requests in flight), like Kueue's per-resource quantities, so that an
 * admin reads them as the gateway enforces them. A capacity change therefore needs re-validation
 * (HARD_CAP_BELOW_GUARANTEE can appear when capacity grows).
 */
export interface MemberQuotaConfig {
  readonly institutionId: string;
  /**
   * Share of the guaranteed capacity (0..1), normally from `deriveWeights`; the weights of a pool's
   * members sum to 1. Weight 0 means no guarantee and best-effort borrowing only.
   */
  readonly weight: number;
  /** Most of this member's *unused guarantee* that others may borrow. Absent: all of it. */
  readonly lendingLimit?: DimensionLimits;
  /** Most this member may use *above its guarantee*. Absent: unlimited. */
  readonly borrowingLimit?: DimensionLimits;
  /** Most this member may use in total. Absent: the pool's capacity. Must be ≥ the guarantee. */
  readonly hardCap?: DimensionLimits;
  /** Tokens this member may consume per budget period (calendar month). Absent: no budget. */
  readonly periodTokenBudget?: number;
}

/** How much a member wants, per dimension, at the moment the allocation is computed. */
export interface MemberDemand {
  readonly institutionId: string;
  readonly demand: PoolCapacity;
}
