import type { AdmissionPolicy } from './admission-policy';
import type { ReservationRef } from './admission-types';
import { budgetPeriodAt } from './budget-period';
import { type LimiterState, type MemberLimiterState, type OpenReservation, withMember } from './limiter-state';
import { bucketAt } from './usage';
import { addToRing, refundFromRing } from './window-ring';

export type Settlement =
  | {
      readonly outcome: 'settled';
      /** estimate − actual when the call used less; the ledger records all of it. */
      readonly refundedTokens: number;
      /** actual − estimate when the call used more; charged to the current bucket and period. */
      readonly chargedTokens: number;
      /** Part of the refund that still counted in the window (older buckets already left it). */
      readonly refundedFromWindow: number;
    }
  /** Already reconciled, expired after its TTL, or never issued: nothing changes. */
  | { readonly outcome: 'unknown_reservation' };

/**
 * Settles a reservation with the tokens the call actually used and frees its concurrency lease if
 * still held. A refund goes back to the bucket the estimate was charged to (while that bucket still
 * counts) and to the period it was charged to; an overrun is charged now, to the current bucket and
 * period, since those tokens were produced during the call. No counter goes below zero.
 *
 * @throws RangeError when `actualTokens` or `nowMs` is not a finite non-negative number.
 */
export function reconcile(
  policy: AdmissionPolicy,
  state: LimiterState,
  reservation: ReservationRef,
  actualTokens: number,
  nowMs: number,
): { readonly state: LimiterState; readonly settlement: Settlement } {
  if (!Number.isFinite(actualTokens) || actualTokens < 0) throw new RangeError(`actualTokens ${actualTokens} must be a finite non-negative number`);
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new RangeError(`nowMs ${nowMs} must be a finite non-negative number`);
  const found = findOpen(state, reservation);
  if (found === undefined) return { state, settlement: { outcome: 'unknown_reservation' } };
  const { member, open } = found;
  const bucket = bucketAt(policy, state, nowMs);
  const refund = Math.max(0, open.estimatedTokens - actualTokens);
  const charge = Math.max(0, actualTokens - open.estimatedTokens);

  const memberRefund = refundFromRing(member.usage.tokens, bucket, open.bucket, refund);
  // The pool slot is the sum of member slots, so it always holds at least what the member refunded.
  const poolRefund = refundFromRing(state.pool.tokens, bucket, open.bucket, memberRefund.refunded);
  const period = budgetPeriodAt(nowMs, policy.budgetUtcOffsetMinutes);
  const samePeriod = member.periodStartMs === period.startMs;
  const periodUsedBefore = samePeriod ? member.periodUsedTokens : 0;
  const periodRefund = samePeriod && open.periodStartMs === period.startMs ? Math.min(periodUsedBefore, refund) : 0;

  const settledMember: MemberLimiterState = {
    ...member,
    usage: {
      tokens: charge > 0 ? addToRing(memberRefund.ring, bucket, charge) : memberRefund.ring,
      requests: member.usage.requests,
      leases: open.leaseHeld ? Math.max(0, member.usage.leases - 1) : member.usage.leases,
    },
    periodStartMs: period.startMs,
    periodUsedTokens: periodUsedBefore - periodRefund + charge,
    open: member.open.filter((entry) => entry !== open),
    ledger: {
      reservedTokens: member.ledger.reservedTokens,
      refundedTokens: member.ledger.refundedTokens + refund,
      chargedTokens: member.ledger.chargedTokens + charge,
    },
  };
  return {
    state: {
      ...state,
      pool: {
        tokens: charge > 0 ? addToRing(poolRefund.ring, bucket, charge) : poolRefund.ring,
        requests: state.pool.requests,
        leases: open.leaseHeld ? Math.max(0, state.pool.leases - 1) : state.pool.leases,
      },
      members: withMember(state, reservation.institutionId, settledMember),
    },
    settlement: { outcome: 'settled', refundedTokens: refund, chargedTokens: charge, refundedFromWindow: memberRefund.refunded },
  };
}

/**
 * Frees the concurrency lease of a reservation whose tokens are not known yet (e.g. the stream
 * closed, usage arrives later). The tokens stay reserved until `reconcile` or the TTL.
 */
export function release(state: LimiterState, reservation: ReservationRef): { readonly state: LimiterState; readonly released: boolean } {
  const found = findOpen(state, reservation);
  if (found === undefined || !found.open.leaseHeld) return { state, released: false };
  const { member, open } = found;
  const updated: MemberLimiterState = {
    ...member,
    usage: { ...member.usage, leases: Math.max(0, member.usage.leases - 1) },
    open: member.open.map((entry) => (entry === open ? { ...entry, leaseHeld: false } : entry)),
  };
  return {
    state: {
      ...state,
      pool: { ...state.pool, leases: Math.max(0, state.pool.leases - 1) },
      members: withMember(state, reservation.institutionId, updated),
    },
    released: true,
  };
}

function findOpen(state: LimiterState, reservation: ReservationRef): { member: MemberLimiterState; open: OpenReservation } | undefined {
  if (!Object.hasOwn(state.members, reservation.institutionId)) return undefined;
  const member = state.members[reservation.institutionId]!;
  const open = member.open.find((entry) => entry.id === reservation.id);
  return open === undefined ? undefined : { member, open };
}
