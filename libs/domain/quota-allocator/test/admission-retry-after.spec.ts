import fc from 'fast-check';
import { admit, buildAdmissionPolicy, createLimiterState, type LimiterState, reconcile } from '../src';
import { smallPoolArb } from './support/arbitraries';

const START_MS = Date.UTC(2025, 5, 2, 3);

// One member: nobody else's claims or contention move the goalposts, so the retry time must be exact.
const singleMemberArb = fc.record({
  pool: smallPoolArb.map((pool) => ({ ...pool, capacity: { ...pool.capacity, concurrentRequests: 1_000_000 } })),
  hardCapShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  bucketMs: fc.constantFrom(1_000, 5_000, 10_000, 60_000),
  history: fc.array(
    fc.record({
      gapMs: fc.integer({ min: 0, max: 15_000 }),
      estimateShare: fc.double({ min: 0, max: 0.4, noNaN: true }),
      actualShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 80 },
  ),
  probeShare: fc.double({ min: 0, max: 0.4, noNaN: true }),
});

describe('retry-after', () => {
  it('is exactly when the refused request first fits: admitted then, still refused 1 ms earlier', () => {
    fc.assert(
      fc.property(singleMemberArb, ({ pool, hardCapShare, bucketMs, history, probeShare }) => {
        const capacity = pool.capacity.tokensPerMinute;
        const guarantee = (1 - pool.headroom) * capacity;
        const hardCap = hardCapShare === undefined ? undefined : { tokensPerMinute: guarantee + hardCapShare * (capacity - guarantee) };
        const policy = buildAdmissionPolicy(pool, [{ institutionId: 'solo', weight: 1, hardCap }], { bucketMs });
        let state: LimiterState = createLimiterState(policy);
        let nowMs = START_MS;
        for (const entry of history) {
          nowMs += entry.gapMs;
          const step = admit(policy, state, { institutionId: 'solo', estimatedTokens: Math.floor(entry.estimateShare * capacity) }, nowMs);
          state = step.state;
          if (step.decision.admitted && entry.actualShare !== undefined) {
            const actual = Math.floor(entry.actualShare * step.decision.reservation.estimatedTokens);
            state = reconcile(policy, state, step.decision.reservation, actual, nowMs).state;
          }
        }
        const probe = { institutionId: 'solo', estimatedTokens: Math.floor(probeShare * capacity) };
        const refused = admit(policy, state, probe, nowMs);
        fc.pre(!refused.decision.admitted);
        if (refused.decision.admitted) return;
        expect(['rate_tokens', 'rate_requests', 'hard_cap']).toContain(refused.decision.reason);
        const retryAfterMs = refused.decision.retryAfterMs!;
        expect(retryAfterMs).toBeGreaterThan(0);
        expect(retryAfterMs).toBeLessThanOrEqual(policy.windowMs + policy.bucketMs);
        expect(admit(policy, refused.state, probe, nowMs + retryAfterMs).decision.admitted).toBe(true);
        if (retryAfterMs > 1) expect(admit(policy, refused.state, probe, nowMs + retryAfterMs - 1).decision.admitted).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('is positive and at most one window plus one bucket for every rate refusal in a contended pool', () => {
    const members = [
      { institutionId: 'a', weight: 0.5 },
      { institutionId: 'b', weight: 0.3 },
      { institutionId: 'c', weight: 0.2 },
    ];
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 3_000 }), member: fc.integer({ min: 0, max: 2 }), tokens: fc.integer({ min: 0, max: 4_000 }) }), {
          minLength: 10,
          maxLength: 200,
        }),
        (requests) => {
          const policy = buildAdmissionPolicy(
            { capacity: { tokensPerMinute: 20_000, requestsPerMinute: 40, concurrentRequests: 1_000 }, headroom: 0.1 },
            members,
          );
          let state = createLimiterState(policy);
          let nowMs = START_MS;
          for (const request of requests) {
            nowMs += request.gapMs;
            const step = admit(policy, state, { institutionId: members[request.member]!.institutionId, estimatedTokens: request.tokens }, nowMs);
            state = step.state;
            if (!step.decision.admitted) {
              expect(step.decision.retryAfterMs).not.toBeNull();
              expect(step.decision.retryAfterMs!).toBeGreaterThan(0);
              expect(step.decision.retryAfterMs!).toBeLessThanOrEqual(policy.windowMs + policy.bucketMs + policy.contentionHoldMs);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
