import type { Dimension } from '../dimensions';
import type { LimiterState } from './limiter-state';

export interface AdmissionRequest {
  readonly institutionId: string;
  /** Tokens the call may consume (prompt + max output, or the gateway's estimate); reconciled later. */
  readonly estimatedTokens: number;
}

/** Handle of an admitted request; pass it to `reconcile` (and `release`) exactly once. */
export interface Reservation {
  readonly id: string;
  readonly institutionId: string;
  readonly estimatedTokens: number;
  readonly admittedAtMs: number;
  /** After this the reservation is orphaned: `expireLeases` settles it at its estimate and frees its slot. */
  readonly expiresAtMs: number;
}

export type ReservationRef = Pick<Reservation, 'id' | 'institutionId'>;

export type RefusalReason =
  | 'rate_tokens'
  | 'rate_requests'
  | 'concurrency'
  | 'hard_cap'
  | 'budget_exhausted'
  /** The request can never fit (bigger than capacity, hard cap, guarantee + borrowing limit or the whole budget). */
  | 'request_too_large'
  | 'not_a_member';

/**
 * Which bound refused the request:
 * - pool_capacity: the pool (less what others' guarantees keep back) has no room;
 * - reclaim: there would be room, but an owner is claiming its guarantee back from borrowers;
 * - fair_share: a borrower with a lower weighted share is waiting, this member yields;
 * - borrowing_limit / hard_cap / period_budget: this member's own limits;
 * - membership: the institution is not a member of the pool.
 */
export type LimitBound = 'pool_capacity' | 'reclaim' | 'fair_share' | 'borrowing_limit' | 'hard_cap' | 'period_budget' | 'membership';

export interface LimitDescription {
  /** `periodTokens` for the budget; null when no dimension is involved (membership). */
  readonly dimension: Dimension | 'periodTokens' | null;
  readonly bound: LimitBound;
  /** The bound's value in the dimension's unit (usage level allowed, capacity, cap, budget…). */
  readonly limit: number;
  /** What the bound compares against now (the member's or the pool's counted usage). */
  readonly used: number;
  readonly requested: number;
}

export interface AdmissionRefusal {
  readonly admitted: false;
  readonly reason: RefusalReason;
  /** When retrying can first succeed as far as the counters can tell; null when waiting cannot help. */
  readonly retryAfterMs: number | null;
  readonly limit: LimitDescription;
}

export type AdmissionDecision = { readonly admitted: true; readonly reservation: Reservation } | AdmissionRefusal;

/** The next state comes back on refusals too: a refusal records demand (claims, contention). */
export interface AdmissionStep {
  readonly state: LimiterState;
  readonly decision: AdmissionDecision;
}
