import fc from 'fast-check';
import { guaranteeOf } from '@ai-commons/quota-allocator';
import { resolvePoolConfig, type QuotaPoolDefinition } from '../config/quota-pool-definition';
import { toView } from './quota-pool-view';

const capacity = fc.record({
  tokensPerMinute: fc.integer({ min: 0, max: 10_000_000 }),
  requestsPerMinute: fc.integer({ min: 0, max: 100_000 }),
  concurrentRequests: fc.integer({ min: 0, max: 1_000 }),
});

const definition: fc.Arbitrary<QuotaPoolDefinition> = fc
  .record({
    capacity,
    headroom: fc.double({ min: 0, max: 0.9, noNaN: true }),
    capitals: fc.array(fc.bigInt({ min: 1n, max: 10n ** 15n }), { minLength: 1, maxLength: 8 }),
  })
  .map(({ capacity, headroom, capitals }) => ({
    id: '00000000-0000-4000-8000-000000000001',
    name: 'pool',
    description: '',
    capacity,
    headroom,
    monthlyCostKrw: '0',
    endpoints: [],
    updatedAt: new Date(0),
    members: capitals.map((investedCapitalKrw, index) => ({
      institutionId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      investedCapitalKrw,
      weightOverride: null,
      lendingLimit: {},
      borrowingLimit: {},
      hardCap: {},
      periodTokenBudget: null,
    })),
  }));

describe('toView', () => {
  it("shows each member's guarantee as quota-allocator's guaranteeOf computes it, from the derived weight", () => {
    fc.assert(
      fc.property(definition, (pool) => {
        const view = toView(pool);
        const resolved = resolvePoolConfig(pool);
        for (const member of view.members) {
          const weight = resolved.members.find((resolvedMember) => resolvedMember.institutionId === member.institutionId)!.weight;
          expect(member.weight).toBe(weight);
          expect(member.guaranteed).toEqual(guaranteeOf(resolved.pool, weight));
        }
      }),
    );
  });

  it('shows invested capital as text (bigint does not cross GraphQL)', () => {
    fc.assert(
      fc.property(definition, (pool) =>
        expect(toView(pool).members.map((member) => member.investedCapitalKrw)).toEqual(pool.members.map((member) => member.investedCapitalKrw.toString())),
      ),
    );
  });
});
