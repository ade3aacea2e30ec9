import fc from 'fast-check';
import { endpointHealthOf, type TargetProbe } from './replica-health';

describe('endpoint health from its replicas', () => {
  const probe = fc.record<TargetProbe>({
    state: fc.constantFrom('active', 'draining'),
    health: fc.constantFrom('healthy', 'unhealthy'),
    detail: fc.string({ maxLength: 40 }),
  });

  it('is healthy exactly when an active replica is (a lone target: its own probe)', () => {
    fc.assert(
      fc.property(fc.array(probe, { minLength: 1, maxLength: 16 }), (probes) => {
        const expected = probes.length === 1 ? probes[0].health : probes.some((p) => p.state === 'active' && p.health === 'healthy') ? 'healthy' : 'unhealthy';
        return endpointHealthOf(probes).health === expected;
      }),
    );
  });

  it('counts the replicas and names the first failure', () => {
    const outcome = endpointHealthOf([
      { state: 'active', health: 'healthy', detail: 'HTTP 200 in 3 ms' },
      { state: 'active', health: 'unhealthy', detail: 'unreachable: ECONNREFUSED' },
    ]);
    expect(outcome).toEqual({ health: 'healthy', detail: '1 of 2 active replicas healthy; one failing: unreachable: ECONNREFUSED' });
  });
});
