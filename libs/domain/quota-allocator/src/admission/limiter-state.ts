import { type PerDimension, perDimension } from '../dimensions';
import type { AdmissionPolicy } from './admission-policy';
import { emptyRing, type WindowRing } from './window-ring';

/**
 * Counters of one pool. Plain JSON (numbers, strings, booleans, arrays, records) so a single process
 * can keep it in memory and a Redis Lua script can keep the same fields in a hash.
 * Functions never mutate a state; they return a new one that shares untouched parts.
 */
export interface LimiterState {
  /** Next reservation id (ids are decimal strings of this counter: deterministic, unique per pool). */
  readonly nextReservationSeq: number;
  /** Sum over all members, kept alongside so a decision reads one ring instead of n. */
  readonly pool: UsageCounters;
  readonly members: Readonly<Record<string, MemberLimiterState>>;
}

export interface UsageCounters {
  /** Tokens reserved/charged per bucket of the last minute. */
  readonly tokens: WindowRing;
  /** Requests admitted per bucket of the last minute. */
  readonly requests: WindowRing;
  /** Concurrency leases currently held. */
  readonly leases: number;
}

export interface MemberLimiterState {
  readonly usage: UsageCounters;
  /** Start of the budget period `periodUsedTokens` belongs to; a new period starts from zero. */
  readonly periodStartMs: number;
  readonly periodUsedTokens: number;
  /** Until when this member claims its unused guarantee back (reclaim), per dimension. */
  readonly ownerClaimUntilMs: PerDimension<number>;
  /** When the current claim started; older claims take precedence. Meaningless while not claiming. */
  readonly ownerClaimSinceMs: PerDimension<number>;
  /** Until when this member counts as a refused borrower wanting more, per dimension. */
  readonly borrowDemandUntilMs: PerDimension<number>;
  /** Reservations not yet reconciled or expired. */
  readonly open: readonly OpenReservation[];
  /** Cumulative token accounting: reserved − refunded + charged = actual of settled + estimates of open. */
  readonly ledger: TokenLedger;
}

export interface OpenReservation {
  readonly id: string;
  readonly estimatedTokens: number;
  /** Window bucket the estimate was charged to (a refund goes back there while it is counted). */
  readonly bucket: number;
  readonly periodStartMs: number;
  /** Whether the concurrency slot is still held (`release` frees it before tokens are known). */
  readonly leaseHeld: boolean;
  readonly expiresAtMs: number;
}

export interface TokenLedger {
  readonly reservedTokens: number;
  readonly refundedTokens: number;
  readonly chargedTokens: number;
}

export function createLimiterState(policy: AdmissionPolicy): LimiterState {
  return {
    nextReservationSeq: 1,
    pool: emptyUsage(policy.slotCount),
    members: Object.fromEntries(policy.memberIds.map((id) => [id, emptyMemberState(policy.slotCount)])),
  };
}

export function emptyUsage(slotCount: number): UsageCounters {
  return { tokens: emptyRing(slotCount), requests: emptyRing(slotCount), leases: 0 };
}

export function emptyMemberState(slotCount: number): MemberLimiterState {
  return {
    usage: emptyUsage(slotCount),
    periodStartMs: 0,
    periodUsedTokens: 0,
    ownerClaimUntilMs: perDimension(() => 0),
    ownerClaimSinceMs: perDimension(() => 0),
    borrowDemandUntilMs: perDimension(() => 0),
    open: [],
    ledger: { reservedTokens: 0, refundedTokens: 0, chargedTokens: 0 },
  };
}

/** A member's counters; members added to the policy after the state was created start empty. */
export function memberStateOf(state: LimiterState, institutionId: string, slotCount: number): MemberLimiterState {
  return Object.hasOwn(state.members, institutionId) ? state.members[institutionId]! : emptyMemberState(slotCount);
}

export function withMember(state: LimiterState, institutionId: string, member: MemberLimiterState): Readonly<Record<string, MemberLimiterState>> {
  return { ...state.members, [institutionId]: member };
}
