import fc from 'fast-check';
import { DIMENSIONS, admit, buildAdmissionPolicy, createLimiterState, type LimiterState } from '@ai-commons/quota-allocator';
import { poolStanding } from '../../src/gateway/pool-standing';

const NOW = 1_800_000_000_000;
const policy = buildAdmissionPolicy({ capacity: { tokensPerMinute: 10_000, requestsPerMinute: 100, concurrentRequests: 20 }, headroom: 0.2 }, [
  { institutionId: 'a', weight: 0.5 },
  { institutionId: 'b', weight: 0.3, lendingLimit: { tokensPerMinute: 500 } },
  { institutionId: 'c', weight: 0.2 },
]);

/** A state after admitting the given requests (whatever admission refuses is simply not counted). */
function stateAfter(requests: { institutionId: string; estimatedTokens: number }[]): LimiterState {
  let state = createLimiterState(policy);
  for (const request of requests) state = admit(policy, state, request, NOW).state;
  return state;
}

describe('poolStanding', () => {
  it('reports guarantee and use; an idle pool lends and borrows nothing', () => {
    const standing = poolStanding(policy, createLimiterState(policy), NOW);
    expect(standing.capacity.tokensPerMinute).toBe(10_000);
    expect(standing.members.get('a')!.tokensPerMinute).toEqual({ guaranteed: 4_000, inUse: 0, borrowed: 0, lent: 0 });
  });

  it('borrows from the headroom first, then from members with unused guarantee, within their lending limits', () => {
    // a uses 8 000 of its 4 000 guarantee: 4 000 borrowed, 2 000 from the headroom, 2 000 lent by b (≤ 500) and c.
    const standing = poolStanding(policy, stateAfter([{ institutionId: 'a', estimatedTokens: 8_000 }]), NOW);
    const tokens = (id: string) => standing.members.get(id)!.tokensPerMinute;
    expect(tokens('a')).toMatchObject({ inUse: 8_000, borrowed: 4_000, lent: 0 });
    expect(tokens('b').lent).toBeCloseTo((2_000 * 500) / 2_100);
    expect(tokens('c').lent).toBeCloseTo((2_000 * 1_600) / 2_100);
    expect(standing.inUse.tokensPerMinute).toBe(8_000);
  });

  it('never lends more than is borrowed beyond the headroom, nor more than a member leaves unused', () => {
    const request = fc.record({ institutionId: fc.constantFrom('a', 'b', 'c'), estimatedTokens: fc.integer({ min: 0, max: 6_000 }) });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), (requests) => {
        const standing = poolStanding(policy, stateAfter(requests), NOW);
        for (const dimension of DIMENSIONS) {
          const figures = [...standing.members.values()].map((member) => member[dimension]);
          const headroom = standing.capacity[dimension] - figures.reduce((sum, f) => sum + f.guaranteed, 0);
          const borrowed = figures.reduce((sum, f) => sum + f.borrowed, 0);
          const lent = figures.reduce((sum, f) => sum + f.lent, 0);
          expect(lent).toBeLessThanOrEqual(Math.max(0, borrowed - headroom) + 1e-6);
          for (const f of figures) {
            expect(f.borrowed).toBeCloseTo(Math.max(0, f.inUse - f.guaranteed));
            expect(f.lent).toBeLessThanOrEqual(Math.max(0, f.guaranteed - f.inUse) + 1e-6);
            expect(f.lent * f.borrowed).toBe(0); // a member borrowing lends nothing
          }
        }
      }),
    );
  });
});
