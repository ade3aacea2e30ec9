import fc from 'fast-check';
import { buildAdmissionPolicy, deriveWeights, type Dimension, type MemberQuotaConfig, type PoolCapacity, type PoolConfig, WINDOW_MS } from '../src';
import { type GreedyClient, runGreedy } from './support/greedy-simulation';

const TICK_MS = 500;
const START_MS = Date.UTC(2025, 3, 1, 1);
const OWNER = 'owner';

/** Capacity where only `binding` can run out; the others are far beyond what the clients can send. */
function capacityArb(binding: Dimension): fc.Arbitrary<PoolCapacity> {
  const plenty = { tokensPerMinute: 1e12, requestsPerMinute: 1e9, concurrentRequests: 1e6 };
  const tight: Record<Dimension, fc.Arbitrary<number>> = {
    tokensPerMinute: fc.integer({ min: 2_000, max: 50_000 }),
    requestsPerMinute: fc.integer({ min: 20, max: 300 }),
    concurrentRequests: fc.integer({ min: 5, max: 30 }),
  };
  return tight[binding].map((value) => ({ ...plenty, [binding]: value }));
}

const scenarioArb = (binding: Dimension) =>
  fc.record({
    capacity: capacityArb(binding),
    headroom: fc.double({ min: 0, max: 0.3, noNaN: true }),
    ownerWeight: fc.double({ min: 0.15, max: 0.7, noNaN: true }),
    borrowerCapitals: fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 4 }),
    borrowerLendingLimits: fc.array(fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }), { minLength: 4, maxLength: 4 }),
    ownerRequestShare: fc.double({ min: 0.02, max: 0.3, noNaN: true }),
    borrowerRequestShares: fc.array(fc.double({ min: 0.01, max: 0.2, noNaN: true }), { minLength: 4, maxLength: 4 }),
    bucketMs: fc.constantFrom(1_000, 5_000, 15_000),
    hysteresis: fc.double({ min: 0, max: 0.3, noNaN: true }),
    claimHoldMs: fc.constantFrom(5_000, 60_000),
    contentionHoldMs: fc.constantFrom(2_000, 10_000),
    ownerStartMs: fc.integer({ min: 5_000, max: 90_000 }),
    durationsMs: fc.array(fc.integer({ min: 200, max: 8_000 }), { minLength: 1, maxLength: 20 }),
    orderSeed: fc.nat({ max: 10 }),
  });

describe('reclaim: an owner demanding its guarantee gets it within the reclaim time', () => {
  // Borrowers saturate the pool first; then the owner starts sending as much as it may. Once the
  // usage admitted before the owner's claim has left the window (rates: one window + one bucket;
  // concurrency: the longest call), the owner must never again be refused while within its guarantee.
  it.each<Dimension>(['tokensPerMinute', 'requestsPerMinute', 'concurrentRequests'])('when %s is the scarce dimension', (binding) => {
    fc.assert(
      fc.property(scenarioArb(binding), (scenario) => {
        const borrowerIds = scenario.borrowerCapitals.map((_, index) => `borrower-${index}`);
        const weights = deriveWeights(
          [
            { institutionId: OWNER, investedCapitalKrw: 0n },
            ...borrowerIds.map((institutionId, index) => ({ institutionId, investedCapitalKrw: scenario.borrowerCapitals[index]! })),
          ],
          new Map([[OWNER, scenario.ownerWeight]]),
        );
        const pool: PoolConfig = { capacity: scenario.capacity, headroom: scenario.headroom };
        const capacity = scenario.capacity[binding];
        const members: MemberQuotaConfig[] = [...weights].map(([institutionId, weight], index) => {
          const lendingShare = index === 0 ? undefined : scenario.borrowerLendingLimits[index - 1];
          return lendingShare === undefined ? { institutionId, weight } : { institutionId, weight, lendingLimit: { [binding]: lendingShare * capacity } };
        });
        const policy = buildAdmissionPolicy(pool, members, {
          bucketMs: scenario.bucketMs,
          hysteresis: scenario.hysteresis,
          claimHoldMs: scenario.claimHoldMs,
          contentionHoldMs: scenario.contentionHoldMs,
        });
        const ownerGuarantee = policy.members[OWNER]!.guaranteed[binding];
        const tokensOf = (share: number) => (binding === 'tokensPerMinute' ? Math.max(1, Math.floor(share * capacity)) : 0);
        const ownerTokens = binding === 'tokensPerMinute' ? Math.max(1, Math.floor(scenario.ownerRequestShare * ownerGuarantee)) : 0;
        const clients: GreedyClient[] = [
          { institutionId: OWNER, estimatedTokens: ownerTokens, startMs: START_MS + scenario.ownerStartMs, maxPerTick: 4 },
          ...borrowerIds.map((institutionId, index) => ({
            institutionId,
            estimatedTokens: tokensOf(scenario.borrowerRequestShares[index]!),
            startMs: START_MS,
            maxPerTick: 4,
          })),
        ];
        const longestCallMs = Math.max(...scenario.durationsMs);
        const reclaimMs = binding === 'concurrentRequests' ? longestCallMs + TICK_MS : WINDOW_MS + scenario.bucketMs;
        const { attempts } = runGreedy(policy, clients, {
          startMs: START_MS,
          endMs: START_MS + scenario.ownerStartMs + reclaimMs + 40_000,
          tickMs: TICK_MS,
          durationsMs: scenario.durationsMs,
          orderSeed: scenario.orderSeed,
        });

        const amount = binding === 'tokensPerMinute' ? ownerTokens : 1;
        const ownerAttempts = attempts.filter((attempt) => attempt.institutionId === OWNER);
        const withinGuarantee = (attempt: (typeof ownerAttempts)[number]) => attempt.usedBefore[binding] + amount <= ownerGuarantee;
        const claimStart = ownerAttempts.find((attempt) => !attempt.decision.admitted && withinGuarantee(attempt));
        if (claimStart === undefined) return;
        const lateRefusals = ownerAttempts.filter(
          (attempt) => attempt.atMs >= claimStart.atMs + reclaimMs && !attempt.decision.admitted && withinGuarantee(attempt),
        );
        expect(
          lateRefusals.map((attempt) => ({ atMs: attempt.atMs - claimStart.atMs, used: attempt.usedBefore[binding], decision: attempt.decision })),
        ).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
