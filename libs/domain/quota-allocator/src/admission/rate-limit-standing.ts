import type { Dimension } from '../dimensions';
import { type AdmissionPolicy, policyMember } from './admission-policy';
import { type LimiterState, memberStateOf } from './limiter-state';
import { bucketAt, countedUsage } from './usage';
import { oldestLiveBucket, slotOf, type WindowRing } from './window-ring';

/**
 * What a member may borrow now is disclosed in steps of 1/BORROW_DISCLOSURE_STEPS of the pool's
 * capacity (rounded down: never more than is there). The exact figure is capacity less everything
 * other members hold (their usage, claimed guarantees, unlendable shares), so an exact figure on
 * every answer would hand each member the others' usage for free. Stepped, a member learns the
 * others' holdings only to within a tenth of the pool, summed over all of them.
 */
export const BORROW_DISCLOSURE_STEPS = 10;

/** One rate of a member, as `x-ratelimit-*` report it. */
export interface RateLimitFigure {
  /** The member's guarantee plus what it may borrow now (stepped), within its own caps. */
  readonly limit: number;
  /** `limit` less the member's own counted usage in the window, ≥ 0. */
  readonly remaining: number;
  /** Until the member's own counted usage has left the window entirely (the limit is whole again). */
  readonly resetMs: number;
}

export interface RateLimitStanding {
  readonly requests: RateLimitFigure;
  readonly tokens: RateLimitFigure;
}

/**
 * A member's per-minute standing at `nowMs`, computed from the state admission already holds (no
 * store round trip). It reads the pool's counters only through one stepped figure (see
 * BORROW_DISCLOSURE_STEPS); fair-share yielding is not reflected (it depends on another member's
 * usage), so a borrower may be refused below `remaining`. Undefined for a non-member.
 */
export function rateLimitStanding(policy: AdmissionPolicy, state: LimiterState, institutionId: string, nowMs: number): RateLimitStanding | undefined {
  if (policyMember(policy, institutionId) === undefined) return undefined;
  return {
    requests: figureOf(policy, state, institutionId, nowMs, 'requestsPerMinute'),
    tokens: figureOf(policy, state, institutionId, nowMs, 'tokensPerMinute'),
  };
}

function figureOf(policy: AdmissionPolicy, state: LimiterState, institutionId: string, nowMs: number, dimension: Dimension): RateLimitFigure {
  const quota = policy.members[institutionId]!;
  const capacity = policy.capacity[dimension];
  const bucket = bucketAt(policy, state, nowMs);
  const own = memberStateOf(state, institutionId, policy.slotCount);
  const ownUsed = countedUsage(own.usage, bucket)[dimension];
  const ceiling = Math.min(quota.hardCap[dimension], quota.guaranteed[dimension] + quota.borrowingLimit[dimension], capacity);
  const base = Math.min(quota.guaranteed[dimension], ceiling);
  const reachable = capacity - othersHold(policy, state, institutionId, nowMs, dimension, bucket);
  const limit = Math.floor(base + disclosedBorrowing(reachable - base, ceiling - base, capacity));
  const ring = dimension === 'tokensPerMinute' ? own.usage.tokens : own.usage.requests;
  return { limit, remaining: Math.max(0, Math.floor(limit - ownUsed)), resetMs: resetMsOf(policy, ring, bucket, nowMs) };
}

/**
 * What a member may borrow as it is disclosed: the whole borrowing room when the pool can lend all
 * of it, else the exact figure rounded down to a step. Pure in (exact, room, capacity), so two pool
 * states whose exact figures fall in the same step are indistinguishable to the member.
 */
export function disclosedBorrowing(exact: number, room: number, capacity: number): number {
  if (room <= 0) return 0;
  const clamped = Math.min(Math.max(0, exact), room);
  if (clamped >= room) return room;
  const step = capacity / BORROW_DISCLOSURE_STEPS;
  return Math.min(room, Math.floor(clamped / step) * step);
}

/** Everything other members keep from this one: their counted usage, claimed guarantees and unlendable shares (as admission counts them for a borrower). */
function othersHold(policy: AdmissionPolicy, state: LimiterState, institutionId: string, nowMs: number, dimension: Dimension, bucket: number): number {
  let held = 0;
  for (const otherId of policy.memberIds) {
    if (otherId === institutionId) continue;
    const other = policy.members[otherId]!;
    const otherState = memberStateOf(state, otherId, policy.slotCount);
    const used = countedUsage(otherState.usage, bucket)[dimension];
    const unused = Math.max(0, other.guaranteed[dimension] - used);
    held += used + (otherState.ownerClaimUntilMs[dimension] > nowMs ? unused : Math.max(0, unused - other.lendingLimit[dimension]));
  }
  return held;
}

/** Until the newest bucket holding own usage leaves the window (0 when nothing is counted). */
function resetMsOf(policy: AdmissionPolicy, ring: WindowRing, bucket: number, nowMs: number): number {
  const slotCount = ring.slots.length;
  for (let index = ring.newestBucket; index >= oldestLiveBucket(ring, bucket); index -= 1) {
    if (ring.slots[slotOf(index, slotCount)]! > 0) return Math.max(0, Math.ceil((index + slotCount) * policy.bucketMs - nowMs));
  }
  return 0;
}
