import fc from 'fast-check';
import {
  admit,
  BORROW_DISCLOSURE_STEPS,
  buildAdmissionPolicy,
  createLimiterState,
  disclosedBorrowing,
  type LimiterState,
  memberUsage,
  rateLimitStanding,
  WINDOW_MS,
} from '../src';
import { scenarioArb, smallPoolArb } from './support/arbitraries';

const RUNS = { numRuns: 200 };
const BUCKET_MS = 5_000;

/** Requests as (member index, estimate, ms since the previous one). */
const callsArb = fc.array(fc.tuple(fc.nat(7), fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 3_000 })), { maxLength: 60 });

describe('rateLimitStanding', () => {
  it('stays within the member guarantee and own ceiling; remaining is the limit less own usage; reset within a window and a bucket', () => {
    fc.assert(
      fc.property(scenarioArb({ pool: smallPoolArb, maxMembers: 4 }), callsArb, (scenario, calls) => {
        const policy = buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs: BUCKET_MS });
        let state = createLimiterState(policy);
        let nowMs = 1_000_000;
        for (const [index, estimatedTokens, gap] of calls) {
          nowMs += gap;
          const institutionId = policy.memberIds[index % policy.memberIds.length]!;
          state = admit(policy, state, { institutionId, estimatedTokens }, nowMs).state;
        }
        for (const id of policy.memberIds) {
          const standing = rateLimitStanding(policy, state, id, nowMs)!;
          const used = memberUsage(policy, state, id, nowMs);
          const quota = policy.members[id]!;
          for (const [figure, dimension] of [
            [standing.tokens, 'tokensPerMinute'],
            [standing.requests, 'requestsPerMinute'],
          ] as const) {
            const ceiling = Math.min(quota.hardCap[dimension], quota.guaranteed[dimension] + quota.borrowingLimit[dimension], policy.capacity[dimension]);
            expect(Number.isInteger(figure.limit) && Number.isInteger(figure.remaining)).toBe(true);
            expect(figure.limit).toBeGreaterThanOrEqual(Math.floor(Math.min(quota.guaranteed[dimension], ceiling)));
            expect(figure.limit).toBeLessThanOrEqual(Math.floor(ceiling));
            expect(figure.remaining).toBe(Math.max(0, Math.floor(figure.limit - used[dimension])));
            expect(figure.resetMs).toBeGreaterThanOrEqual(0);
            expect(figure.resetMs).toBeLessThanOrEqual(WINDOW_MS + BUCKET_MS);
            if (used[dimension] === 0) expect(figure.resetMs).toBe(0);
            else expect(figure.resetMs).toBeGreaterThan(0);
          }
        }
        expect(rateLimitStanding(policy, state, 'not-a-member', nowMs)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('shows a member the whole of its ceiling in an idle pool, its reset once its usage has left the window', () => {
    const policy = buildAdmissionPolicy(
      { capacity: { tokensPerMinute: 10_000, requestsPerMinute: 100, concurrentRequests: 10 }, headroom: 0.1 },
      [
        { institutionId: 'a', weight: 0.5, borrowingLimit: { requestsPerMinute: 20 } },
        { institutionId: 'b', weight: 0.5 },
      ],
      { bucketMs: BUCKET_MS },
    );
    const idle = rateLimitStanding(policy, createLimiterState(policy), 'a', 0)!;
    expect(idle.requests).toEqual({ limit: 45 + 20, remaining: 65, resetMs: 0 });
    expect(idle.tokens).toEqual({ limit: 10_000, remaining: 10_000, resetMs: 0 });
    const state = admit(policy, createLimiterState(policy), { institutionId: 'a', estimatedTokens: 300 }, 12_000).state;
    const after = rateLimitStanding(policy, state, 'a', 12_000)!;
    // Bucket 2 (10–15 s) is counted until bucket 2 + 13 starts, at 75 s.
    expect(after.tokens).toEqual({ limit: 10_000, remaining: 9_700, resetMs: 75_000 - 12_000 });
    expect(rateLimitStanding(policy, state, 'a', 74_999)!.tokens.resetMs).toBe(1);
    expect(rateLimitStanding(policy, state, 'a', 75_000)!.tokens).toEqual({ limit: 10_000, remaining: 10_000, resetMs: 0 });
  });

  it("reveals others' usage only in steps of a tenth of the pool: a member sees one of at most BORROW_DISCLOSURE_STEPS + 2 limits, whatever the others do", () => {
    fc.assert(
      fc.property(scenarioArb({ pool: smallPoolArb, minMembers: 2, maxMembers: 4 }), callsArb, callsArb, (scenario, own, others) => {
        const policy = buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs: BUCKET_MS });
        const self = policy.memberIds[0]!;
        // The member's own requests first (an empty pool: the same for every "others"), then the others'.
        let state: LimiterState = createLimiterState(policy);
        let nowMs = 1_000_000;
        for (const [, estimatedTokens, gap] of own.slice(0, 10))
          state = admit(policy, state, { institutionId: self, estimatedTokens }, (nowMs += gap / 10)).state;
        for (const [index, estimatedTokens] of others) {
          const institutionId = policy.memberIds[1 + (index % (policy.memberIds.length - 1))]!;
          state = admit(policy, state, { institutionId, estimatedTokens }, nowMs).state;
        }
        const standing = rateLimitStanding(policy, state, self, nowMs)!;
        const quota = policy.members[self]!;
        for (const [figure, dimension] of [
          [standing.tokens, 'tokensPerMinute'],
          [standing.requests, 'requestsPerMinute'],
        ] as const) {
          const capacity = policy.capacity[dimension];
          const ceiling = Math.min(quota.hardCap[dimension], quota.guaranteed[dimension] + quota.borrowingLimit[dimension], capacity);
          const base = Math.min(quota.guaranteed[dimension], ceiling);
          const allowed = new Set([Math.floor(ceiling)]);
          for (let step = 0; step <= BORROW_DISCLOSURE_STEPS; step++) {
            allowed.add(Math.floor(base + Math.min(ceiling - base, (step * capacity) / BORROW_DISCLOSURE_STEPS)));
          }
          expect(allowed.has(figure.limit)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('discloses borrowing rounded down to a step, the same for every exact figure within one step, never more than there is', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 1_000_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -0.2, max: 1.2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (capacity, roomShare, exactShare, offset) => {
          const room = roomShare * capacity;
          const exact = exactShare * capacity;
          const shown = disclosedBorrowing(exact, room, capacity);
          expect(shown).toBeGreaterThanOrEqual(0);
          expect(shown).toBeLessThanOrEqual(Math.max(0, Math.min(room, exact)) + 1e-9);
          const step = capacity / BORROW_DISCLOSURE_STEPS;
          // Any other exact figure in the same step, both short of the room, shows the same.
          const sameStep = Math.floor(exact / step) * step + offset * step * 0.999;
          if (exact >= 0 && exact < room && sameStep < room) expect(disclosedBorrowing(sameStep, room, capacity)).toBe(shown);
          // Monotone: more room in the pool never shows less.
          expect(disclosedBorrowing(exact + step, room, capacity)).toBeGreaterThanOrEqual(shown);
        },
      ),
      RUNS,
    );
  });
});
