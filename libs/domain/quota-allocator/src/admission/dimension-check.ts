import type { ResolvedMember } from '../config/resolved-member';
import type { Dimension, PerDimension } from '../dimensions';
import type { LimitBound } from './admission-types';

/** A member as one decision sees it. */
export interface MemberView {
  readonly quota: ResolvedMember;
  /** Position in the policy's member list: breaks ties between claims started in the same ms. */
  readonly order: number;
  readonly used: PerDimension<number>;
  readonly claimUntilMs: PerDimension<number>;
  readonly claimSinceMs: PerDimension<number>;
  readonly contendUntilMs: PerDimension<number>;
}

/** What has to happen before the same request could pass this dimension. */
export type DrainNeed =
  /** The member's own counted usage must fall by `excess`. */
  | { readonly kind: 'member'; readonly excess: number }
  /** Pool usage of everyone but the claimants must fall by `excess` (claimants' drain only grows their claim). */
  | { readonly kind: 'pool'; readonly excess: number; readonly claimantIds: readonly string[] }
  /** Own usage must fall by `excess`, or the contenders must stop asking (at `contentionEndsAtMs`). */
  | { readonly kind: 'fair_share'; readonly excess: number; readonly contentionEndsAtMs: number };

export type DemandSignal = 'owner_claim' | 'borrow_demand';

export type DimensionVerdict =
  | { readonly admitted: true; readonly withinGuarantee: boolean }
  | {
      readonly admitted: false;
      readonly bound: LimitBound;
      readonly limit: number;
      readonly used: number;
      /** Demand the refusal records; null when only the member's own limits are in the way. */
      readonly signal: DemandSignal | null;
      readonly drain: DrainNeed;
    };

export interface DimensionCheck {
  readonly dimension: Dimension;
  readonly amount: number;
  readonly capacity: number;
  readonly poolUsed: number;
  readonly hysteresis: number;
  readonly nowMs: number;
}

/**
 * One dimension of one admission decision. With g the guarantee, u the member's usage, a the amount
 * requested, U the pool's usage and C its capacity:
 * - hard cap: u + a ≤ hardCap;
 * - owner request (u + a ≤ g): U + a + claimed ≤ C, where claimed is the unused guarantee of
 *   members whose claim on their guarantee is older than this member's (all claims, if it has none).
 *   Refusal starts/extends this member's claim;
 * - borrowing request (u + a > g): u + a − g ≤ borrowingLimit, then
 *   U + a + claimed + unlendable ≤ C (claimed: every claimant's unused guarantee; unlendable:
 *   non-claimants' unused guarantee beyond their lending limit), then fair share: (u + a)/w ≤ (1 + h) · min over contending borrowers k of u_k/w_k.
 *   Capacity and fair-share refusals mark this member as contending.
 */
export function checkDimension(check: DimensionCheck, self: MemberView, others: readonly MemberView[]): DimensionVerdict {
  const { dimension, amount, capacity, poolUsed } = check;
  const guaranteed = self.quota.guaranteed[dimension];
  const used = self.used[dimension];
  const hardCap = self.quota.hardCap[dimension];
  // A limit equal to capacity is "unlimited"; the pool check reports that case as what it is.
  if (used + amount > hardCap && hardCap < capacity) {
    return refuse('hard_cap', hardCap, used, null, { kind: 'member', excess: used + amount - hardCap });
  }

  // Owners yield only to claims older than their own (a member not claiming yields to every claim);
  // borrowers yield to all claims. So a newer claim never delays an older one.
  const selfClaimRank = isClaiming(self, check) ? self.claimSinceMs[dimension] : Infinity;
  let claimedBefore = 0;
  let claimedAll = 0;
  let unlendable = 0;
  const earlierClaimantIds: string[] = [];
  const claimantIds: string[] = [];
  for (const other of others) {
    const unused = Math.max(0, other.quota.guaranteed[dimension] - other.used[dimension]);
    if (isClaiming(other, check)) {
      claimedAll += unused;
      claimantIds.push(other.quota.institutionId);
      const since = other.claimSinceMs[dimension];
      if (since < selfClaimRank || (since === selfClaimRank && other.order < self.order)) {
        claimedBefore += unused;
        earlierClaimantIds.push(other.quota.institutionId);
      }
    } else {
      unlendable += Math.max(0, unused - other.quota.lendingLimit[dimension]);
    }
  }

  if (used + amount <= guaranteed) {
    const excess = poolUsed + amount + claimedBefore - capacity;
    if (excess <= 0) return { admitted: true, withinGuarantee: true };
    const bound = poolUsed + amount <= capacity ? 'reclaim' : 'pool_capacity';
    return refuse(bound, capacity, poolUsed, 'owner_claim', { kind: 'pool', excess, claimantIds: earlierClaimantIds });
  }

  const borrowingLimit = self.quota.borrowingLimit[dimension];
  if (used + amount - guaranteed > borrowingLimit && borrowingLimit < capacity) {
    return refuse('borrowing_limit', borrowingLimit, Math.max(0, used - guaranteed), null, {
      kind: 'member',
      excess: used + amount - guaranteed - borrowingLimit,
    });
  }
  const excess = poolUsed + amount + claimedAll + unlendable - capacity;
  if (excess > 0) {
    const bound = poolUsed + amount + unlendable <= capacity ? 'reclaim' : 'pool_capacity';
    return refuse(bound, capacity, poolUsed, 'borrow_demand', { kind: 'pool', excess, claimantIds });
  }
  return fairShareVerdict(check, self, others);
}

function fairShareVerdict(check: DimensionCheck, self: MemberView, others: readonly MemberView[]): DimensionVerdict {
  const { dimension, amount, nowMs } = check;
  const weight = self.quota.weight;
  const used = self.used[dimension];
  const shareAfter = weightedShare(used + amount, weight);
  const tolerance = 1 + check.hysteresis;
  let lowestShare = Infinity;
  let contentionEndsAtMs = nowMs;
  for (const other of others) {
    const contendUntilMs = other.contendUntilMs[dimension];
    if (contendUntilMs <= nowMs) continue;
    const share = weightedShare(other.used[dimension], other.quota.weight);
    if (shareAfter > tolerance * share) {
      lowestShare = Math.min(lowestShare, share);
      contentionEndsAtMs = Math.max(contentionEndsAtMs, contendUntilMs);
    }
  }
  if (lowestShare === Infinity) return { admitted: true, withinGuarantee: false };
  const allowedUse = weight > 0 ? tolerance * lowestShare * weight : 0;
  return refuse('fair_share', allowedUse, used, 'borrow_demand', { kind: 'fair_share', excess: used + amount - allowedUse, contentionEndsAtMs });
}

function isClaiming(view: MemberView, check: DimensionCheck): boolean {
  return view.claimUntilMs[check.dimension] > check.nowMs;
}

/** Usage per unit of weight; a weight-0 member (best effort) ranks behind everyone who invested. */
function weightedShare(used: number, weight: number): number {
  return weight > 0 ? used / weight : Infinity;
}

function refuse(bound: LimitBound, limit: number, used: number, signal: DemandSignal | null, drain: DrainNeed): DimensionVerdict {
  return { admitted: false, bound, limit, used, signal, drain };
}
