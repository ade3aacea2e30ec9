import fc from 'fast-check';
import { buildAdmissionPolicy, memberUsage } from '../src';
import { runGreedy } from './support/greedy-simulation';

const START_MS = Date.UTC(2025, 3, 1);
const CAPACITY = 30_000;

const scenarioArb = fc.record({
  capitals: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 4 }),
  requestShares: fc.array(fc.double({ min: 0.01, max: 0.05, noNaN: true }), { minLength: 4, maxLength: 4 }),
  hysteresis: fc.double({ min: 0, max: 0.3, noNaN: true }),
  headroom: fc.double({ min: 0, max: 0.3, noNaN: true }),
  bucketMs: fc.constantFrom(1_000, 5_000, 15_000),
  orderSeed: fc.nat({ max: 3 }),
});

describe('fair sharing between borrowers during admission', () => {
  // Every member always wants more than the pool has: each tick it sends until refused, so every
  // member keeps contending. Usage admitted before everyone contended has left the window after the
  // start-up phase; from then on weighted shares u/w must agree within the hysteresis band, up to one
  // request of each side and the bucket k may just have lost to the window (it refills only as room
  // appears): (u_i − a_i)/w_i ≤ (1 + h)·(u_k + a_k + largest bucket of k)/w_k, for every pair.
  it('keeps weighted shares within the hysteresis band whenever the pool is saturated', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const totalCapital = scenario.capitals.reduce((sum, capital) => sum + capital, 0);
        const members = scenario.capitals.map((capital, index) => ({ institutionId: `m${index}`, weight: capital / totalCapital }));
        const policy = buildAdmissionPolicy(
          { capacity: { tokensPerMinute: CAPACITY, requestsPerMinute: 1e9, concurrentRequests: 1e6 }, headroom: scenario.headroom },
          members,
          { hysteresis: scenario.hysteresis, bucketMs: scenario.bucketMs },
        );
        const requestTokens = members.map((_, index) => Math.ceil(scenario.requestShares[index]! * CAPACITY));
        const clients = members.map((member, index) => ({
          institutionId: member.institutionId,
          estimatedTokens: requestTokens[index]!,
          startMs: START_MS + index * 20_000,
          maxPerTick: 200,
        }));
        const violations: string[] = [];
        let saturatedTicks = 0;
        runGreedy(policy, clients, {
          startMs: START_MS,
          endMs: START_MS + 400_000,
          tickMs: 500,
          durationsMs: [1_000],
          orderSeed: scenario.orderSeed,
          onTick: (state, nowMs, saturated) => {
            if (!saturated || nowMs < START_MS + 250_000) return;
            saturatedTicks += 1;
            const shares = members.map((member) => memberUsage(policy, state, member.institutionId, nowMs).tokensPerMinute / member.weight);
            const request = members.map((member, index) => requestTokens[index]! / member.weight);
            const lostBucket = members.map((member) => Math.max(...state.members[member.institutionId]!.usage.tokens.slots) / member.weight);
            members.forEach((_, i) =>
              members.forEach((__, k) => {
                if (shares[i]! - request[i]! > (1 + scenario.hysteresis) * (shares[k]! + request[k]! + lostBucket[k]!) + 1e-6) {
                  violations.push(`t=${nowMs - START_MS}: share m${i}=${shares[i]!.toFixed(0)} vs m${k}=${shares[k]!.toFixed(0)}`);
                }
              }),
            );
          },
        });
        expect(saturatedTicks).toBeGreaterThan(0);
        expect(violations).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
