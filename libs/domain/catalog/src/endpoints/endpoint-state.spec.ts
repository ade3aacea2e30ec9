import fc from 'fast-check';
import { ENDPOINT_STATES, type EndpointState } from './endpoint.model';
import { assertTransition, canTransition } from './endpoint-state';
import type { CatalogError } from '../shared/catalog-errors';

const ALLOWED: [EndpointState, EndpointState][] = [
  ['provisioning', 'active'],
  ['provisioning', 'retired'],
  ['active', 'draining'],
  ['draining', 'active'],
  ['draining', 'retired'],
];

describe('endpoint state machine', () => {
  it.each(ALLOWED)('%s → %s is allowed', (from, to) => {
    expect(assertTransition(from, to)).toBe(to);
  });

  it('refuses every other pair, including staying put and leaving retired', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ENDPOINT_STATES), fc.constantFrom(...ENDPOINT_STATES), (from, to) => {
        const allowed = ALLOWED.some(([a, b]) => a === from && b === to);
        expect(canTransition(from, to)).toBe(allowed);
        if (!allowed) {
          expect(() => assertTransition(from, to)).toThrow(expect.objectContaining({ code: 'ILLEGAL_STATE_TRANSITION', kind: 'conflict' }) as CatalogError);
        }
      }),
    );
    for (const to of ENDPOINT_STATES) expect(canTransition('retired', to)).toBe(false);
  });

  it('every state is reachable from provisioning', () => {
    const reached = new Set<EndpointState>(['provisioning']);
    for (let changed = true; changed;) {
      changed = false;
      for (const [from, to] of ALLOWED) {
        if (reached.has(from) && !reached.has(to)) {
          reached.add(to);
          changed = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...ENDPOINT_STATES].sort());
  });
});
