import { type PerDimension, perDimension } from '../dimensions';
import type { AdmissionPolicy } from './admission-policy';
import { type LimiterState, memberStateOf, type UsageCounters } from './limiter-state';
import { ringTotal, slotOf, type WindowRing } from './window-ring';

/**
 * The window bucket a decision at `nowMs` works in. Time never runs backwards for the counters: an
 * earlier `nowMs` (clock skew between gateway instances) is treated as the newest bucket seen.
 */
export function bucketAt(policy: AdmissionPolicy, state: LimiterState, nowMs: number): number {
  return Math.max(Math.floor(nowMs / policy.bucketMs), state.pool.tokens.newestBucket, state.pool.requests.newestBucket);
}

/** Counted usage per dimension: tokens and requests in the window, leases held now. */
export function countedUsage(counters: UsageCounters, bucket: number): PerDimension<number> {
  return {
    tokensPerMinute: ringTotal(counters.tokens, bucket),
    requestsPerMinute: ringTotal(counters.requests, bucket),
    concurrentRequests: counters.leases,
  };
}

/** What one member is charged with right now, as admission sees it. */
export function memberUsage(policy: AdmissionPolicy, state: LimiterState, institutionId: string, nowMs: number): PerDimension<number> {
  return countedUsage(memberStateOf(state, institutionId, policy.slotCount).usage, bucketAt(policy, state, nowMs));
}

/** What the whole pool is charged with right now. */
export function poolUsage(policy: AdmissionPolicy, state: LimiterState, nowMs: number): PerDimension<number> {
  return countedUsage(state.pool, bucketAt(policy, state, nowMs));
}

/** Whether a member currently claims its guarantee back / counts as a refused borrower, per dimension. */
export function memberSignals(
  policy: AdmissionPolicy,
  state: LimiterState,
  institutionId: string,
  nowMs: number,
): { readonly claiming: PerDimension<boolean>; readonly contending: PerDimension<boolean> } {
  const member = memberStateOf(state, institutionId, policy.slotCount);
  return {
    claiming: perDimension((dimension) => member.ownerClaimUntilMs[dimension] > nowMs),
    contending: perDimension((dimension) => member.borrowDemandUntilMs[dimension] > nowMs),
  };
}

/** Usage recorded in bucket `index` of a ring, zero when that bucket is not (or no longer) in it. */
export function bucketUsage(ring: WindowRing, index: number): number {
  const slotCount = ring.slots.length;
  if (index > ring.newestBucket || index <= ring.newestBucket - slotCount) return 0;
  return ring.slots[slotOf(index, slotCount)]!;
}
