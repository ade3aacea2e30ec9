import fc from 'fast-check';
import { allocate, DIMENSIONS } from '../src';
import { demandsArb, scenarioArb } from './support/arbitraries';
import { referenceAllocate } from './support/reference-allocate';

describe('allocate() against the progressive-filling reference', () => {
  it('matches the reference within 1e-6 of capacity on random pools, limits and demands', () => {
    fc.assert(
      fc.property(
        scenarioArb().chain((scenario) => fc.tuple(fc.constant(scenario), demandsArb(scenario))),
        ([scenario, demands]) => {
          const fast = allocate(scenario.pool, scenario.members, demands);
          const reference = referenceAllocate(scenario.pool, scenario.members, demands);
          for (const member of scenario.members) {
            for (const dimension of DIMENSIONS) {
              const epsilon = 1e-6 * scenario.pool.capacity[dimension];
              const got = fast.get(member.institutionId)![dimension];
              const expected = reference.get(member.institutionId)![dimension];
              expect(Math.abs(got.allocated - expected.allocated)).toBeLessThanOrEqual(epsilon);
              expect(Math.abs(got.borrowed - expected.borrowed)).toBeLessThanOrEqual(epsilon);
              expect(Math.abs(got.lent - expected.lent)).toBeLessThanOrEqual(epsilon);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
