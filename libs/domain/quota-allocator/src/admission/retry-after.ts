import type { Dimension } from '../dimensions';
import type { AdmissionPolicy } from './admission-policy';
import type { DrainNeed } from './dimension-check';
import { type LimiterState, memberStateOf } from './limiter-state';
import { bucketUsage } from './usage';
import { bucketFreeingExcess, type WindowRing } from './window-ring';

export interface RetryContext {
  readonly policy: AdmissionPolicy;
  readonly state: LimiterState;
  readonly institutionId: string;
  readonly bucket: number;
  readonly nowMs: number;
}

/**
 * Milliseconds until the counters alone would let the same request through `dimension`, assuming
 * nothing else is admitted meanwhile; null when waiting cannot help.
 *
 * Rate dimensions are exact about the window: bucket k stops counting when bucket k + slotCount
 * starts, so the answer is the start of the first bucket whose expiry frees enough. Concurrency
 * slots free when requests finish, which the counters cannot know: the answer is the configured
 * hint, or sooner if a relevant lease's TTL runs out sooner.
 */
export function retryAfterMs(context: RetryContext, dimension: Dimension, need: DrainNeed): number | null {
  const drained = dimension === 'concurrentRequests' ? concurrencyRetryAt(context, need) : windowRetryAt(context, dimension, need);
  const contentionEnds = need.kind === 'fair_share' ? need.contentionEndsAtMs : Infinity;
  const retryAt = Math.min(drained ?? Infinity, contentionEnds);
  if (retryAt === Infinity) return null;
  return Math.max(1, Math.ceil(retryAt - context.nowMs));
}

function windowRetryAt(context: RetryContext, dimension: Dimension, need: DrainNeed): number | undefined {
  const { policy, state, bucket } = context;
  const ringOf = (institutionId: string): WindowRing => {
    const usage = memberStateOf(state, institutionId, policy.slotCount).usage;
    return dimension === 'tokensPerMinute' ? usage.tokens : usage.requests;
  };
  const poolRing = dimension === 'tokensPerMinute' ? state.pool.tokens : state.pool.requests;
  const newest = Math.max(bucket, poolRing.newestBucket);
  const oldest = newest - policy.slotCount + 1;
  const expiryOf = (index: number): number => (index + policy.slotCount) * policy.bucketMs;

  if (need.kind === 'pool') {
    const claimantRings = need.claimantIds.map(ringOf);
    const freeing = (index: number): number =>
      Math.max(
        0,
        claimantRings.reduce((rest, ring) => rest - bucketUsage(ring, index), bucketUsage(poolRing, index)),
      );
    const index = bucketFreeingExcess(oldest, newest, need.excess, freeing);
    // Not enough can drain while claims stand; by the time the whole window has drained they must have moved.
    return expiryOf(index ?? newest);
  }
  const ownRing = ringOf(context.institutionId);
  const index = bucketFreeingExcess(oldest, newest, need.excess, (bucketIndex) => bucketUsage(ownRing, bucketIndex));
  return index === undefined ? undefined : expiryOf(index);
}

function concurrencyRetryAt(context: RetryContext, need: DrainNeed): number {
  const { policy, state, nowMs } = context;
  const holders = need.kind === 'pool' ? policy.memberIds.filter((id) => !need.claimantIds.includes(id)) : [context.institutionId];
  let earliestExpiry = Infinity;
  for (const institutionId of holders) {
    for (const reservation of memberStateOf(state, institutionId, policy.slotCount).open) {
      if (reservation.leaseHeld) earliestExpiry = Math.min(earliestExpiry, reservation.expiresAtMs);
    }
  }
  return Math.min(nowMs + policy.concurrencyRetryHintMs, earliestExpiry);
}
