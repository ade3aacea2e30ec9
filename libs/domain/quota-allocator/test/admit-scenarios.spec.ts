import {
  type AdmissionOptions,
  buildAdmissionPolicy,
  createLimiterState,
  type MemberQuotaConfig,
  memberSignals,
  memberUsage,
  type PoolConfig,
  poolUsage,
} from '../src';
import { LimiterHarness } from './support/admission-driver';

// 2025-01-15T00:00Z: a multiple of every bucket width, so bucket boundaries are easy to read.
const T0 = Date.UTC(2025, 0, 15);
const pool: PoolConfig = { capacity: { tokensPerMinute: 10_000, requestsPerMinute: 1_000, concurrentRequests: 1_000 }, headroom: 0 };

function harness(members: MemberQuotaConfig[], options: AdmissionOptions = {}, poolConfig: PoolConfig = pool): LimiterHarness {
  const policy = buildAdmissionPolicy(poolConfig, members, options);
  return new LimiterHarness(policy, createLimiterState(policy));
}

const halves: MemberQuotaConfig[] = [
  { institutionId: 'a', weight: 0.5 },
  { institutionId: 'b', weight: 0.5 },
];

describe('admit: owners, borrowers and reclaim', () => {
  it('admits an owner within its guarantee and records the reservation', () => {
    const limiter = harness(halves);
    const reservation = limiter.mustAdmit('a', 1_200, T0 + 10);
    expect(reservation).toEqual({ id: '1', institutionId: 'a', estimatedTokens: 1_200, admittedAtMs: T0 + 10, expiresAtMs: T0 + 10 + 600_000 });
    expect(memberUsage(limiter.policy, limiter.state, 'a', T0 + 10)).toEqual({ tokensPerMinute: 1_200, requestsPerMinute: 1, concurrentRequests: 1 });
    expect(poolUsage(limiter.policy, limiter.state, T0 + 10)).toEqual({ tokensPerMinute: 1_200, requestsPerMinute: 1, concurrentRequests: 1 });
  });

  it("lets a borrower use an idle owner's guarantee, then reclaims it for the owner", () => {
    const limiter = harness(halves);
    for (let index = 0; index < 10; index += 1) limiter.mustAdmit('b', 1_000, T0);
    const borrowerFull = limiter.mustRefuse('b', 1_000, T0);
    expect(borrowerFull).toMatchObject({ reason: 'rate_tokens', limit: { bound: 'pool_capacity', limit: 10_000, used: 10_000 } });

    // The owner comes back within its guarantee: refused now (tokens are spent for the minute), with
    // the wait until b's bucket leaves the window: bucket T0 counts until T0 + 60 s + one 5 s bucket.
    const ownerRefused = limiter.mustRefuse('a', 1_000, T0 + 1_000);
    expect(ownerRefused).toMatchObject({ reason: 'rate_tokens', retryAfterMs: 64_000, limit: { bound: 'pool_capacity' } });
    expect(memberSignals(limiter.policy, limiter.state, 'a', T0 + 1_000).claiming.tokensPerMinute).toBe(true);

    // Once b's usage has left the window, b may use its own guarantee but not borrow a's.
    const later = T0 + 65_000;
    for (let index = 0; index < 5; index += 1) limiter.mustAdmit('b', 1_000, later);
    expect(limiter.mustRefuse('b', 1_000, later)).toMatchObject({ reason: 'rate_tokens', limit: { bound: 'reclaim' } });
    for (let index = 0; index < 5; index += 1) limiter.mustAdmit('a', 1_000, later + 1);
  });

  it('keeps a claim while the owner keeps using its guarantee, and lends again after it has been quiet', () => {
    const limiter = harness(halves, { claimHoldMs: 20_000 });
    for (let index = 0; index < 10; index += 1) limiter.mustAdmit('b', 1_000, T0);
    limiter.mustRefuse('a', 500, T0);
    // Owner a is back at the retry time and keeps sending a little every 15 s: the claim stays, b cannot borrow.
    let now = T0 + 65_000;
    for (; now < T0 + 200_000; now += 15_000) {
      limiter.mustAdmit('a', 500, now);
      for (let index = 0; index < 5; index += 1) limiter.admit('b', 1_000, now);
      expect(limiter.mustRefuse('b', 1_000, now).limit.bound).toBe('reclaim');
    }
    // a goes quiet; 20 s after its last admission b may borrow its unused guarantee again.
    const quietSince = now - 15_000;
    expect(limiter.mustRefuse('b', 1_000, quietSince + 19_999).limit.bound).toBe('reclaim');
    limiter.mustAdmit('b', 1_000, quietSince + 20_000);
  });

  it("never lends more of an owner's unused guarantee than its lending limit", () => {
    const limiter = harness([
      { institutionId: 'a', weight: 0.5, lendingLimit: { tokensPerMinute: 2_000 } },
      { institutionId: 'b', weight: 0.5 },
    ]);
    for (let index = 0; index < 7; index += 1) limiter.mustAdmit('b', 1_000, T0);
    expect(limiter.mustRefuse('b', 1_000, T0)).toMatchObject({ reason: 'rate_tokens', limit: { bound: 'pool_capacity' } });
    // What a keeps back is immediately available to a, with no reclaim wait.
    for (let index = 0; index < 3; index += 1) limiter.mustAdmit('a', 1_000, T0 + 1);
  });

  it('makes a borrower with a higher weighted share yield to a refused borrower with a lower one', () => {
    const members: MemberQuotaConfig[] = [
      { institutionId: 'owner', weight: 0.5 },
      { institutionId: 'big', weight: 0.25 },
      { institutionId: 'small', weight: 0.25 },
    ];
    const limiter = harness(members);
    // big takes its guarantee (2 500) and borrows the idle owner's share.
    for (let index = 0; index < 75; index += 1) limiter.mustAdmit('big', 100, T0);
    limiter.mustAdmit('small', 2_500, T0);
    expect(limiter.mustRefuse('small', 100, T0)).toMatchObject({ limit: { bound: 'pool_capacity' } });
    // After the window, big (share 7 500/0.25) may no longer outgrow small (2 500/0.25 × 1.1) while small is refused.
    const later = T0 + 65_000;
    limiter.mustAdmit('small', 2_500, later);
    for (let index = 0; index < 25; index += 1) limiter.mustAdmit('big', 100, later);
    for (let index = 0; index < 2; index += 1) limiter.mustAdmit('big', 100, later);
    expect(limiter.mustRefuse('small', 5_000, later).limit.bound).toBe('pool_capacity');
    const yielded = limiter.mustRefuse('big', 100, later);
    expect(yielded).toMatchObject({ reason: 'rate_tokens', limit: { bound: 'fair_share', limit: 2_750, used: 2_700 } });
    // small can borrow up to the same weighted share.
    for (let index = 0; index < 2; index += 1) limiter.mustAdmit('small', 100, later);
  });
});

describe("admit: the member's own limits", () => {
  it('refuses above the hard cap with the wait until enough of its own usage expires', () => {
    const limiter = harness([
      { institutionId: 'a', weight: 0.5, hardCap: { tokensPerMinute: 6_000 } },
      { institutionId: 'b', weight: 0.5 },
    ]);
    limiter.mustAdmit('a', 4_000, T0);
    limiter.mustAdmit('a', 2_000, T0 + 5_000);
    expect(limiter.mustRefuse('a', 1_000, T0 + 6_000)).toEqual({
      admitted: false,
      reason: 'hard_cap',
      retryAfterMs: 59_000,
      limit: { dimension: 'tokensPerMinute', bound: 'hard_cap', limit: 6_000, used: 6_000, requested: 1_000 },
    });
  });

  it('refuses beyond the borrowing limit', () => {
    const limiter = harness([
      { institutionId: 'a', weight: 0.5, borrowingLimit: { requestsPerMinute: 10 } },
      { institutionId: 'b', weight: 0.5 },
    ]);
    for (let index = 0; index < 510; index += 1) limiter.mustAdmit('a', 0, T0);
    expect(limiter.mustRefuse('a', 0, T0)).toMatchObject({ reason: 'rate_requests', limit: { bound: 'borrowing_limit', limit: 10, used: 10 } });
  });

  it('refuses when the period budget is spent, until the next calendar month in KST', () => {
    const limiter = harness([
      { institutionId: 'a', weight: 0.5, periodTokenBudget: 5_000 },
      { institutionId: 'b', weight: 0.5 },
    ]);
    const now = Date.UTC(2025, 0, 31, 14, 0); // 23:00 KST on 31 January
    limiter.mustAdmit('a', 4_000, now);
    expect(limiter.mustRefuse('a', 2_000, now + 1)).toMatchObject({ reason: 'budget_exhausted', retryAfterMs: 3_600_000 - 1 });
    limiter.mustAdmit('a', 2_000, Date.UTC(2025, 0, 31, 15, 0));
  });

  it('refuses requests that can never fit, and institutions that are not members, without a retry time', () => {
    const limiter = harness([
      { institutionId: 'a', weight: 0.5, borrowingLimit: { tokensPerMinute: 1_000 } },
      { institutionId: 'b', weight: 0.5 },
    ]);
    expect(limiter.mustRefuse('a', 6_001, T0)).toMatchObject({
      reason: 'request_too_large',
      retryAfterMs: null,
      limit: { bound: 'borrowing_limit', limit: 6_000 },
    });
    expect(limiter.mustRefuse('b', 10_001, T0)).toMatchObject({ reason: 'request_too_large', retryAfterMs: null, limit: { bound: 'pool_capacity' } });
    expect(limiter.mustRefuse('z', 1, T0)).toMatchObject({ reason: 'not_a_member', retryAfterMs: null });
  });

  it('reports the dimension with the longest wait when several refuse', () => {
    const limiter = harness(halves, {}, { ...pool, capacity: { ...pool.capacity, concurrentRequests: 2 } });
    limiter.mustAdmit('a', 10_000, T0);
    limiter.mustAdmit('a', 0, T0);
    // Tokens wait for the window (65 s); concurrency only for the 1 s hint.
    expect(limiter.mustRefuse('a', 1, T0 + 1)).toMatchObject({ reason: 'rate_tokens', retryAfterMs: 64_999 });
  });

  it('rejects invalid times and estimates', () => {
    const limiter = harness(halves);
    expect(() => limiter.admit('a', -1, T0)).toThrow(RangeError);
    expect(() => limiter.admit('a', Number.NaN, T0)).toThrow(RangeError);
    expect(() => limiter.admit('a', 1, Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});
