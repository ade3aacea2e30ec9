import fc from 'fast-check';
import { buildAdmissionPolicy, DIMENSIONS, type PerDimension } from '../src';
import { type PoolScenario, scenarioArb, smallPoolArb } from './support/arbitraries';
import { runStream, type StreamRequest, streamArb } from './support/stream-simulation';
import { peakInFlight, windowTotals } from './support/window-sums';

const bucketMsArb = fc.constantFrom(1_000, 5_000, 10_000, 15_000);
const RUNS = { numRuns: 150 };

function scenarioWithStream(maxOverrun: number): fc.Arbitrary<[PoolScenario, StreamRequest[], number]> {
  return scenarioArb({ pool: smallPoolArb, maxMembers: 5 }).chain((scenario) =>
    fc.tuple(
      fc.constant(scenario),
      streamArb({
        institutionIds: scenario.members.map((member) => member.institutionId),
        maxEstimate: scenario.pool.capacity.tokensPerMinute / 3,
        maxOverrun,
      }),
      bucketMsArb,
    ),
  );
}

describe('admission never exceeds capacity', () => {
  it('keeps the actual tokens and requests of every sliding one-minute window within capacity (estimates are upper bounds)', () => {
    fc.assert(
      fc.property(scenarioWithStream(0), ([scenario, requests, bucketMs]) => {
        const { admitted } = runStream(buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs }), requests);
        for (const window of windowTotals(admitted)) {
          expect(window.actualTokens).toBeLessThanOrEqual(scenario.pool.capacity.tokensPerMinute + 1e-6);
          expect(window.calls).toBeLessThanOrEqual(scenario.pool.capacity.requestsPerMinute);
        }
      }),
      RUNS,
    );
  });

  it('keeps requests in flight within the concurrency capacity at every moment', () => {
    fc.assert(
      fc.property(scenarioWithStream(0), ([scenario, requests, bucketMs]) => {
        const { admitted } = runStream(buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs }), requests);
        expect(peakInFlight(admitted)).toBeLessThanOrEqual(scenario.pool.capacity.concurrentRequests);
      }),
      RUNS,
    );
  });

  it('over-admits tokens by no more than the underestimates admitted in the same window', () => {
    fc.assert(
      fc.property(scenarioWithStream(1), ([scenario, requests, bucketMs]) => {
        const { admitted } = runStream(buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs }), requests);
        for (const window of windowTotals(admitted)) {
          expect(window.actualTokens).toBeLessThanOrEqual(scenario.pool.capacity.tokensPerMinute + window.underestimatedTokens + 1e-6);
        }
      }),
      RUNS,
    );
  });

  it('keeps every member within its hard cap and its borrowing limit in every window', () => {
    fc.assert(
      fc.property(scenarioWithStream(0), ([scenario, requests, bucketMs]) => {
        const policy = buildAdmissionPolicy(scenario.pool, scenario.members, { bucketMs });
        const { admitted } = runStream(policy, requests);
        for (const member of Object.values(policy.members)) {
          const own = admitted.filter((call) => call.reservation.institutionId === member.institutionId);
          const windows = windowTotals(own);
          const peak: PerDimension<number> = {
            tokensPerMinute: Math.max(0, ...windows.map((window) => window.actualTokens)),
            requestsPerMinute: Math.max(0, ...windows.map((window) => window.calls)),
            concurrentRequests: peakInFlight(own),
          };
          for (const dimension of DIMENSIONS) {
            expect(peak[dimension]).toBeLessThanOrEqual(member.hardCap[dimension] + 1e-6);
            expect(peak[dimension]).toBeLessThanOrEqual(member.guaranteed[dimension] + member.borrowingLimit[dimension] + 1e-6);
          }
        }
      }),
      RUNS,
    );
  });
});
