import fc from 'fast-check';
import { allocate, DIMENSIONS, guaranteeOf, type MemberDemand, type MemberQuotaConfig, type PoolConfig } from '../src';
import { demandsArb, type PoolScenario, scenarioArb } from './support/arbitraries';

const withDemands = scenarioArb().chain((scenario) => fc.tuple(fc.constant(scenario), demandsArb(scenario)));
const RUNS = { numRuns: 200 };

function tolerance(pool: PoolConfig, dimension: (typeof DIMENSIONS)[number]): number {
  return 1e-9 * Math.max(1, pool.capacity[dimension]);
}

function demandOf(demands: readonly MemberDemand[], institutionId: string, dimension: (typeof DIMENSIONS)[number]): number {
  return demands.find((entry) => entry.institutionId === institutionId)?.demand[dimension] ?? 0;
}

/** What a member could use if the pool were otherwise empty: its own limits and its demand. */
function ceilingOf(scenario: PoolScenario, member: MemberQuotaConfig, demand: number, dimension: (typeof DIMENSIONS)[number]): number {
  const capacity = scenario.pool.capacity[dimension];
  const guaranteed = guaranteeOf(scenario.pool, member.weight)[dimension];
  return Math.min(demand, member.hardCap?.[dimension] ?? capacity, guaranteed + (member.borrowingLimit?.[dimension] ?? capacity), capacity);
}

describe('allocation invariants', () => {
  it('never allocates more than the pool has', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const dimension of DIMENSIONS) {
          const total = [...allocation.values()].reduce((sum, member) => sum + member[dimension].allocated, 0);
          expect(total).toBeLessThanOrEqual(scenario.pool.capacity[dimension] + tolerance(scenario.pool, dimension));
        }
      }),
      RUNS,
    );
  });

  it('gives every member min(demand, guarantee): a member asking for its guarantee gets it', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const member of scenario.members) {
          for (const dimension of DIMENSIONS) {
            const guaranteed = guaranteeOf(scenario.pool, member.weight)[dimension];
            const share = allocation.get(member.institutionId)![dimension];
            expect(share.guaranteed).toBeCloseTo(guaranteed, 9);
            expect(share.allocated).toBeGreaterThanOrEqual(
              Math.min(demandOf(demands, member.institutionId, dimension), guaranteed) - tolerance(scenario.pool, dimension),
            );
          }
        }
      }),
      RUNS,
    );
  });

  it('keeps everyone at or below its hard cap and its demand', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const member of scenario.members) {
          for (const dimension of DIMENSIONS) {
            const allocated = allocation.get(member.institutionId)![dimension].allocated;
            const slack = tolerance(scenario.pool, dimension);
            expect(allocated).toBeLessThanOrEqual((member.hardCap?.[dimension] ?? Infinity) + slack);
            expect(allocated).toBeLessThanOrEqual(demandOf(demands, member.institutionId, dimension) + slack);
          }
        }
      }),
      RUNS,
    );
  });

  it('never lends more than a lender allows or borrows beyond a borrowing limit, and lending balances borrowing', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const dimension of DIMENSIONS) {
          const slack = tolerance(scenario.pool, dimension);
          let lentTotal = 0;
          let borrowedTotal = 0;
          for (const member of scenario.members) {
            const share = allocation.get(member.institutionId)![dimension];
            const ownUse = share.allocated - share.borrowed;
            expect(share.lent).toBeLessThanOrEqual((member.lendingLimit?.[dimension] ?? Infinity) + slack);
            expect(share.lent).toBeLessThanOrEqual(share.guaranteed - ownUse + slack);
            expect(share.borrowed).toBeLessThanOrEqual((member.borrowingLimit?.[dimension] ?? Infinity) + slack);
            lentTotal += share.lent;
            borrowedTotal += share.borrowed;
          }
          const headroomSupply = Math.max(
            0,
            scenario.pool.capacity[dimension] - [...allocation.values()].reduce((sum, share) => sum + share[dimension].guaranteed, 0),
          );
          // Borrowers are served from headroom first, so lenders lend exactly the rest.
          expect(lentTotal).toBeCloseTo(Math.max(0, borrowedTotal - headroomSupply), 6);
        }
      }),
      RUNS,
    );
  });

  it('leaves no lendable capacity idle while an eligible member is refused more', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const dimension of DIMENSIONS) {
          const capacity = scenario.pool.capacity[dimension];
          let used = 0;
          let keptForOwners = 0;
          let someoneUnsatisfied = false;
          for (const member of scenario.members) {
            const share = allocation.get(member.institutionId)![dimension];
            const ownUse = share.allocated - share.borrowed;
            const unused = share.guaranteed - ownUse;
            keptForOwners += Math.max(0, unused - Math.min(unused, member.lendingLimit?.[dimension] ?? Infinity));
            used += share.allocated;
            const ceiling = ceilingOf(scenario, member, demandOf(demands, member.institutionId, dimension), dimension);
            if (share.allocated < ceiling - 1e-6 * capacity) someoneUnsatisfied = true;
          }
          if (someoneUnsatisfied) expect(used + keptForOwners).toBeCloseTo(capacity, 6);
        }
      }),
      RUNS,
    );
  });

  it('gives unsatisfied borrowers equal weighted shares, and satisfied borrowers no more than that', () => {
    fc.assert(
      fc.property(withDemands, ([scenario, demands]) => {
        const allocation = allocate(scenario.pool, scenario.members, demands);
        for (const dimension of DIMENSIONS) {
          const capacity = scenario.pool.capacity[dimension];
          const levels = scenario.members
            .filter((member) => member.weight > 0)
            .map((member) => {
              const share = allocation.get(member.institutionId)![dimension];
              const ceiling = ceilingOf(scenario, member, demandOf(demands, member.institutionId, dimension), dimension);
              return { level: share.borrowed / member.weight, unsatisfied: share.allocated < ceiling - 1e-6 * capacity };
            });
          const unsatisfied = levels.filter((entry) => entry.unsatisfied).map((entry) => entry.level);
          if (unsatisfied.length === 0) continue;
          const common = Math.max(...unsatisfied);
          const levelTolerance = 1e-6 * capacity;
          for (const level of unsatisfied) expect(Math.abs(level - common)).toBeLessThanOrEqual(levelTolerance);
          for (const entry of levels) expect(entry.level).toBeLessThanOrEqual(common + levelTolerance);
        }
      }),
      RUNS,
    );
  });

  it("never lowers a member's allocation when its weight is raised (others scaled down to keep the sum at 1)", () => {
    const raised = fc
      .tuple(scenarioArb({ minMembers: 2, withLimits: false }), fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }))
      .chain(([scenario, pick, raiseBy]) =>
        fc.tuple(fc.constant(scenario), demandsArb(scenario), fc.constant(pick % scenario.members.length), fc.constant(raiseBy)),
      );
    fc.assert(
      fc.property(raised, ([scenario, demands, index, raiseBy]) => {
        const member = scenario.members[index]!;
        const newWeight = member.weight + (1 - member.weight) * raiseBy;
        const othersScale = member.weight < 1 ? (1 - newWeight) / (1 - member.weight) : 0;
        const reweighted = scenario.members.map((entry, position) =>
          position === index ? { ...entry, weight: newWeight } : { ...entry, weight: entry.weight * othersScale },
        );
        const before = allocate(scenario.pool, scenario.members, demands).get(member.institutionId)!;
        const after = allocate(scenario.pool, reweighted, demands).get(member.institutionId)!;
        for (const dimension of DIMENSIONS) {
          expect(after[dimension].allocated).toBeGreaterThanOrEqual(before[dimension].allocated - 1e-6 * scenario.pool.capacity[dimension]);
        }
      }),
      RUNS,
    );
  });

  it('marks a member capped exactly when its own limits, not the pool, stop it below its demand', () => {
    const pool: PoolConfig = { capacity: { tokensPerMinute: 1_000, requestsPerMinute: 100, concurrentRequests: 10 }, headroom: 0 };
    const members: MemberQuotaConfig[] = [
      { institutionId: 'capped', weight: 0.5, hardCap: { tokensPerMinute: 600 } },
      { institutionId: 'idle', weight: 0.5 },
    ];
    const demand = (tokensPerMinute: number) => ({ tokensPerMinute, requestsPerMinute: 0, concurrentRequests: 0 });
    const allocation = allocate(pool, members, [{ institutionId: 'capped', demand: demand(900) }]);
    expect(allocation.get('capped')!.tokensPerMinute).toEqual({ guaranteed: 500, allocated: 600, borrowed: 100, lent: 0, capped: true });
    expect(allocation.get('idle')!.tokensPerMinute).toEqual({ guaranteed: 500, allocated: 0, borrowed: 0, lent: 100, capped: false });

    const contended = allocate(
      pool,
      [
        { institutionId: 'capped', weight: 0.5 },
        { institutionId: 'idle', weight: 0.5 },
      ],
      [
        { institutionId: 'capped', demand: demand(900) },
        { institutionId: 'idle', demand: demand(900) },
      ],
    );
    expect(contended.get('capped')!.tokensPerMinute).toEqual({ guaranteed: 500, allocated: 500, borrowed: 0, lent: 0, capped: false });
  });

  it('lends only what lending limits allow and keeps the rest idle for its owner', () => {
    const pool: PoolConfig = { capacity: { tokensPerMinute: 1_000, requestsPerMinute: 100, concurrentRequests: 10 }, headroom: 0.1 };
    const members: MemberQuotaConfig[] = [
      { institutionId: 'lender', weight: 0.6, lendingLimit: { tokensPerMinute: 200 } },
      { institutionId: 'borrower', weight: 0.4 },
    ];
    const allocation = allocate(pool, members, [
      { institutionId: 'borrower', demand: { tokensPerMinute: 1_000, requestsPerMinute: 0, concurrentRequests: 0 } },
    ]);
    // borrower: guarantee 360 + headroom 100 + 200 lent by the lender; 340 of the lender's guarantee stays idle.
    expect(allocation.get('borrower')!.tokensPerMinute.allocated).toBeCloseTo(660, 9);
    expect(allocation.get('lender')!.tokensPerMinute.lent).toBeCloseTo(200, 9);
  });
});
