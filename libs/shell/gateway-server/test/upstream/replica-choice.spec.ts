import fc from 'fast-check';
import { leastOutstanding, weightedRoundRobin, withAffinity, type ReplicaLoad } from '../../src/upstream/replica-choice';

const replica = fc.record<ReplicaLoad>({ weight: fc.integer({ min: 1, max: 1000 }), outstanding: fc.integer({ min: 0, max: 500 }), available: fc.boolean() });
const replicas = fc.array(replica, { minLength: 1, maxLength: 16 });

describe('replica choice', () => {
  it('least outstanding: an available replica with the least load per weight, or -1 when none is available', () => {
    fc.assert(
      fc.property(replicas, fc.nat(), (all, rotation) => {
        const chosen = leastOutstanding(all, rotation);
        if (!all.some((r) => r.available)) return chosen === -1;
        const score = (r: ReplicaLoad) => (r.outstanding + 1) / r.weight;
        return all[chosen].available && all.every((r) => !r.available || score(all[chosen]) <= score(r));
      }),
    );
  });

  it('least outstanding spreads equal replicas as the rotation advances', () => {
    const idle = Array.from({ length: 4 }, () => ({ weight: 1, outstanding: 0, available: true }));
    expect([0, 1, 2, 3].map((rotation) => leastOutstanding(idle, rotation))).toEqual([0, 1, 2, 3]);
  });

  it('weighted round-robin: over Σweights picks, each available replica is chosen exactly its weight times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
        (weights, up) => {
          const loads = weights.map((weight, index) => ({ weight, outstanding: 0, available: up[index] }));
          const total = loads.reduce((sum, r) => sum + (r.available ? r.weight : 0), 0);
          const credit = loads.map(() => 0);
          const counts = loads.map(() => 0);
          for (let pick = 0; pick < total; pick++) counts[weightedRoundRobin(loads, credit)]++;
          if (total === 0) return weightedRoundRobin(loads, credit) === -1;
          return loads.every((r, index) => counts[index] === (r.available ? r.weight : 0));
        },
      ),
    );
  });

  it('prefix affinity keeps the affine replica within the bound, and never an unavailable or overloaded one', () => {
    fc.assert(
      fc.property(replicas, fc.integer({ min: -1, max: 16 }), fc.integer({ min: 0, max: 20 }), fc.nat(), (all, affine, maxExcess, rotation) => {
        const least = leastOutstanding(all, rotation);
        const chosen = withAffinity(all, affine, least, maxExcess);
        if (least < 0) return chosen === -1;
        if (chosen === least) return true;
        return chosen === affine && all[affine].available && all[affine].outstanding - all[least].outstanding <= maxExcess;
      }),
    );
  });
});
