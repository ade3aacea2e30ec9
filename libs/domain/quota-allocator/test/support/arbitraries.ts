import fc from 'fast-check';
import {
  deriveWeights,
  DIMENSIONS,
  type DimensionLimits,
  guaranteeOf,
  type MemberDemand,
  type MemberQuotaConfig,
  type PoolCapacity,
  type PoolConfig,
} from '../../src';

export interface PoolScenario {
  readonly pool: PoolConfig;
  readonly members: readonly MemberQuotaConfig[];
}

export const capacityArb: fc.Arbitrary<PoolCapacity> = fc.record({
  tokensPerMinute: fc.integer({ min: 1_000, max: 1_000_000 }),
  requestsPerMinute: fc.integer({ min: 10, max: 10_000 }),
  concurrentRequests: fc.integer({ min: 1, max: 200 }),
});

export const poolArb: fc.Arbitrary<PoolConfig> = fc.record({
  capacity: capacityArb,
  headroom: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

export interface ScenarioShape {
  readonly minMembers?: number;
  readonly maxMembers?: number;
  /** Generate lending/borrowing limits and hard caps (each dimension independently optional). */
  readonly withLimits?: boolean;
  readonly pool?: fc.Arbitrary<PoolConfig>;
}

/** Small pools, so that short random streams actually contend for every dimension. */
export const smallPoolArb: fc.Arbitrary<PoolConfig> = fc.record({
  capacity: fc.record({
    tokensPerMinute: fc.integer({ min: 1_000, max: 50_000 }),
    requestsPerMinute: fc.integer({ min: 5, max: 120 }),
    concurrentRequests: fc.integer({ min: 1, max: 12 }),
  }),
  headroom: fc.double({ min: 0, max: 0.5, noNaN: true }),
});

/** A valid pool: weights from random capital (some zero), limits optional, hard caps ≥ guarantee. */
export function scenarioArb(shape: ScenarioShape = {}): fc.Arbitrary<PoolScenario> {
  const { minMembers = 1, maxMembers = 6, withLimits = true } = shape;
  return (shape.pool ?? poolArb).chain((pool) =>
    fc
      .array(fc.bigInt({ min: 0n, max: 10n ** 13n }), { minLength: minMembers, maxLength: maxMembers })
      .filter((capitals) => capitals.some((capital) => capital > 0n))
      .chain((capitals) => {
        const weights = deriveWeights(capitals.map((investedCapitalKrw, index) => ({ institutionId: `inst-${index}`, investedCapitalKrw })));
        return fc
          .tuple(...capitals.map((_, index) => memberArb(pool, `inst-${index}`, weights.get(`inst-${index}`)!, withLimits)))
          .map((members) => ({ pool, members }));
      }),
  );
}

function memberArb(pool: PoolConfig, institutionId: string, weight: number, withLimits: boolean): fc.Arbitrary<MemberQuotaConfig> {
  if (!withLimits) return fc.constant({ institutionId, weight });
  const guaranteed = guaranteeOf(pool, weight);
  const limitsArb = (floor: (dimension: keyof PoolCapacity) => number): fc.Arbitrary<DimensionLimits> =>
    fc
      .record(
        Object.fromEntries(
          DIMENSIONS.map((dimension) => [
            dimension,
            fc.option(fc.double({ min: floor(dimension), max: pool.capacity[dimension], noNaN: true }), { nil: undefined }),
          ]),
        ) as Record<keyof PoolCapacity, fc.Arbitrary<number | undefined>>,
      )
      .map((limits) => Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)) as DimensionLimits);
  return fc
    .record({
      lendingLimit: limitsArb(() => 0),
      borrowingLimit: limitsArb(() => 0),
      hardCap: limitsArb((dimension) => guaranteed[dimension]),
    })
    .map((limits) => ({ institutionId, weight, ...limits }));
}

/** Demands between nothing and 1.5 × capacity, per member and dimension. */
export function demandsArb(scenario: PoolScenario): fc.Arbitrary<MemberDemand[]> {
  const { capacity } = scenario.pool;
  return fc.tuple(
    ...scenario.members.map((member) =>
      fc
        .record({
          tokensPerMinute: fc.double({ min: 0, max: 1.5 * capacity.tokensPerMinute, noNaN: true }),
          requestsPerMinute: fc.double({ min: 0, max: 1.5 * capacity.requestsPerMinute, noNaN: true }),
          concurrentRequests: fc.double({ min: 0, max: 1.5 * capacity.concurrentRequests, noNaN: true }),
        })
        .map((demand) => ({ institutionId: member.institutionId, demand })),
    ),
  );
}
