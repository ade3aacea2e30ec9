import fc from 'fast-check';
import { CatalogError } from '../shared/catalog-errors';
import { assertKeepsAnActiveTarget, assertRoomForTarget, MAX_TARGETS_PER_ENDPOINT, validTargetWeight } from './target-rules';
import type { TargetState } from './target.model';

describe('target rules', () => {
  it('accept whole weights 1-1000 and refuse anything else with INVALID_TARGET_WEIGHT', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), (weight) => validTargetWeight(weight) === weight));
    for (const bad of [0, -1, 1001, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => validTargetWeight(bad)).toThrow(expect.objectContaining({ code: 'INVALID_TARGET_WEIGHT' }));
    }
  });

  it('bound the targets of an endpoint', () => {
    expect(() => assertRoomForTarget(MAX_TARGETS_PER_ENDPOINT - 1)).not.toThrow();
    expect(() => assertRoomForTarget(MAX_TARGETS_PER_ENDPOINT)).toThrow(expect.objectContaining({ code: 'TARGET_LIMIT_REACHED' }));
  });

  it('never let the last active target go, whatever the others are', () => {
    const targets = fc.array(fc.record({ state: fc.constantFrom<TargetState>('active', 'draining') }), { minLength: 1, maxLength: 16 });
    fc.assert(
      fc.property(targets, fc.nat(), (states, pick) => {
        const all = states.map((target, index) => ({ id: `t${index}`, state: target.state }));
        const leaving = all[pick % all.length];
        const activeAfter = all.filter((target) => target.id !== leaving.id && target.state === 'active').length;
        const allowed = leaving.state === 'draining' || activeAfter > 0;
        let thrown: unknown;
        try {
          assertKeepsAnActiveTarget(all, leaving.id);
        } catch (error) {
          thrown = error;
        }
        return allowed ? thrown === undefined : thrown instanceof CatalogError && thrown.code === 'LAST_ACTIVE_TARGET';
      }),
    );
  });
});
