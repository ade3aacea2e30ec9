import { DIMENSIONS, type Dimension, type PerDimension, perDimension } from '../dimensions';
import { amountsOf, budgetRefusal, notAMemberRefusal, tooLargeRefusal } from './admission-limits';
import { type AdmissionPolicy, policyMember } from './admission-policy';
import type { AdmissionRefusal, AdmissionRequest, AdmissionStep, RefusalReason } from './admission-types';
import { budgetPeriodAt } from './budget-period';
import { checkDimension, type DimensionVerdict, type MemberView } from './dimension-check';
import { type LimiterState, type MemberLimiterState, memberStateOf, withMember } from './limiter-state';
import { retryAfterMs } from './retry-after';
import { bucketAt, countedUsage } from './usage';
import { addToRing } from './window-ring';

type Refused = Extract<DimensionVerdict, { admitted: false }>;

/**
 * Decides one request at `nowMs` and returns the next state with the decision. Admission reserves
 * the estimate in the token window, one request in the request window and one concurrency lease;
 * `reconcile` settles the tokens, `release` / `reconcile` / `expireLeases` free the lease.
 *
 * Checks, in order: membership, request size (can it ever fit), period budget, then every dimension
 * (see `checkDimension`). When several dimensions refuse, the one with the longest wait is reported,
 * since retrying earlier would fail anyway.
 *
 * @throws RangeError when `nowMs` or `estimatedTokens` is not a finite non-negative number.
 */
export function admit(policy: AdmissionPolicy, state: LimiterState, request: AdmissionRequest, nowMs: number): AdmissionStep {
  assertNonNegative('nowMs', nowMs);
  assertNonNegative('estimatedTokens', request.estimatedTokens);
  const quota = policyMember(policy, request.institutionId);
  if (quota === undefined) return { state, decision: notAMemberRefusal(request) };

  const bucket = bucketAt(policy, state, nowMs);
  const self = memberStateOf(state, request.institutionId, policy.slotCount);
  const amounts = amountsOf(request);
  const views = policy.memberIds.map((id, order) => viewOf(policy, state, id, order, bucket));
  const selfView = views[policy.memberIds.indexOf(request.institutionId)]!;

  const tooLarge = tooLargeRefusal(policy, quota, amounts, selfView.used);
  if (tooLarge !== undefined) return { state, decision: tooLarge };
  const period = budgetPeriodAt(nowMs, policy.budgetUtcOffsetMinutes);
  const periodUsedTokens = self.periodStartMs === period.startMs ? self.periodUsedTokens : 0;
  const overBudget = budgetRefusal(quota, period, periodUsedTokens, request.estimatedTokens, nowMs);
  if (overBudget !== undefined) return { state, decision: overBudget };

  const poolUsed = countedUsage(state.pool, bucket);
  const others = views.filter((view) => view !== selfView);
  const verdicts = perDimension((dimension) =>
    checkDimension(
      {
        dimension,
        amount: amounts[dimension],
        capacity: policy.capacity[dimension],
        poolUsed: poolUsed[dimension],
        hysteresis: policy.hysteresis,
        nowMs,
      },
      selfView,
      others,
    ),
  );

  const refused = DIMENSIONS.filter((dimension) => !verdicts[dimension].admitted);
  if (refused.length === 0) {
    return commitAdmission({ policy, state, request, nowMs, bucket, self, verdicts, periodStartMs: period.startMs, periodUsedTokens });
  }
  const refusal = worstRefusal(policy, state, request, bucket, nowMs, refused, verdicts);
  const demand = { nowMs, retryAt: nowMs + (refusal.retryAfterMs ?? 0) };
  return { state: recordDemand(policy, state, request.institutionId, self, refused, verdicts, demand), decision: refusal };
}

interface Commit {
  readonly policy: AdmissionPolicy;
  readonly state: LimiterState;
  readonly request: AdmissionRequest;
  readonly nowMs: number;
  readonly bucket: number;
  readonly self: MemberLimiterState;
  readonly verdicts: PerDimension<DimensionVerdict>;
  readonly periodStartMs: number;
  readonly periodUsedTokens: number;
}

function commitAdmission(commit: Commit): AdmissionStep {
  const { policy, state, request, nowMs, bucket, self } = commit;
  const id = String(state.nextReservationSeq);
  const expiresAtMs = nowMs + policy.leaseTtlMs;
  const member: MemberLimiterState = {
    ...self,
    usage: {
      tokens: addToRing(self.usage.tokens, bucket, request.estimatedTokens),
      requests: addToRing(self.usage.requests, bucket, 1),
      leases: self.usage.leases + 1,
    },
    periodStartMs: commit.periodStartMs,
    periodUsedTokens: commit.periodUsedTokens + request.estimatedTokens,
    ownerClaimUntilMs: perDimension((dimension) => renewedClaimUntil(policy, self, dimension, nowMs)),
    open: [
      ...self.open,
      {
        id,
        estimatedTokens: request.estimatedTokens,
        bucket,
        periodStartMs: commit.periodStartMs,
        leaseHeld: true,
        expiresAtMs,
      },
    ],
    ledger: { ...self.ledger, reservedTokens: self.ledger.reservedTokens + request.estimatedTokens },
  };
  return {
    state: {
      nextReservationSeq: state.nextReservationSeq + 1,
      pool: {
        tokens: addToRing(state.pool.tokens, bucket, request.estimatedTokens),
        requests: addToRing(state.pool.requests, bucket, 1),
        leases: state.pool.leases + 1,
      },
      members: withMember(state, request.institutionId, member),
    },
    decision: {
      admitted: true,
      reservation: { id, institutionId: request.institutionId, estimatedTokens: request.estimatedTokens, admittedAtMs: nowMs, expiresAtMs },
    },
  };
}

/**
 * Hysteresis for claims: a claim lasts while its owner keeps asking. Every admission or refusal of
 * a claiming member renews it, so it lapses only after the member has been quiet for claimHoldMs.
 * Lending therefore resumes at most once per quiet period, and an owner using part of its
 * guarantee is not refused again each time borrowers refill the pool.
 */
function renewedClaimUntil(policy: AdmissionPolicy, self: MemberLimiterState, dimension: Dimension, nowMs: number): number {
  const until = self.ownerClaimUntilMs[dimension];
  return until > nowMs ? Math.max(until, nowMs + policy.claimHoldMs) : until;
}

function worstRefusal(
  policy: AdmissionPolicy,
  state: LimiterState,
  request: AdmissionRequest,
  bucket: number,
  nowMs: number,
  refused: readonly Dimension[],
  verdicts: PerDimension<DimensionVerdict>,
): AdmissionRefusal {
  const context = { policy, state, institutionId: request.institutionId, bucket, nowMs };
  let worst: AdmissionRefusal | undefined;
  for (const dimension of refused) {
    const verdict = verdicts[dimension] as Refused;
    const candidate: AdmissionRefusal = {
      admitted: false,
      reason: reasonFor(dimension, verdict),
      retryAfterMs: retryAfterMs(context, dimension, verdict.drain),
      limit: { dimension, bound: verdict.bound, limit: verdict.limit, used: verdict.used, requested: amountsOf(request)[dimension] },
    };
    if (worst === undefined || waitOf(candidate) > waitOf(worst)) worst = candidate;
  }
  return worst!;
}

function waitOf(refusal: AdmissionRefusal): number {
  return refusal.retryAfterMs ?? Infinity;
}

function reasonFor(dimension: Dimension, verdict: Refused): RefusalReason {
  if (verdict.bound === 'hard_cap') return 'hard_cap';
  if (dimension === 'tokensPerMinute') return 'rate_tokens';
  return dimension === 'requestsPerMinute' ? 'rate_requests' : 'concurrency';
}

/**
 * Refusals are the demand signal. Only a request that nothing but the pool's state stands in the way
 * of records demand: if the member's own limits refuse it too, more capacity would not help.
 * The signal lasts from the suggested retry time on (`retryAt`), so it is still standing when the
 * refused member comes back, plus the hold. Claims the member already holds are renewed either way.
 */
function recordDemand(
  policy: AdmissionPolicy,
  state: LimiterState,
  institutionId: string,
  self: MemberLimiterState,
  refused: readonly Dimension[],
  verdicts: PerDimension<DimensionVerdict>,
  { nowMs, retryAt }: { nowMs: number; retryAt: number },
): LimiterState {
  const capacityOnly = refused.every((dimension) => (verdicts[dimension] as Refused).signal !== null);
  const signalOf = (dimension: Dimension) => (capacityOnly && refused.includes(dimension) ? (verdicts[dimension] as Refused).signal : null);
  const member: MemberLimiterState = {
    ...self,
    ownerClaimUntilMs: perDimension((dimension) =>
      signalOf(dimension) === 'owner_claim'
        ? Math.max(retryAt + policy.claimHoldMs, self.ownerClaimUntilMs[dimension])
        : renewedClaimUntil(policy, self, dimension, nowMs),
    ),
    ownerClaimSinceMs: perDimension((dimension) =>
      signalOf(dimension) === 'owner_claim' && self.ownerClaimUntilMs[dimension] <= nowMs ? nowMs : self.ownerClaimSinceMs[dimension],
    ),
    borrowDemandUntilMs: perDimension((dimension) =>
      signalOf(dimension) === 'borrow_demand'
        ? Math.max(retryAt + policy.contentionHoldMs, self.borrowDemandUntilMs[dimension])
        : self.borrowDemandUntilMs[dimension],
    ),
  };
  return { ...state, members: withMember(state, institutionId, member) };
}

function viewOf(policy: AdmissionPolicy, state: LimiterState, institutionId: string, order: number, bucket: number): MemberView {
  const member = memberStateOf(state, institutionId, policy.slotCount);
  return {
    quota: policy.members[institutionId]!,
    order,
    used: countedUsage(member.usage, bucket),
    claimUntilMs: member.ownerClaimUntilMs,
    claimSinceMs: member.ownerClaimSinceMs,
    contendUntilMs: member.borrowDemandUntilMs,
  };
}

function assertNonNegative(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} ${value} must be a finite non-negative number`);
}
