import fc from 'fast-check';
import type { RouteEndpoint } from '../../src/routing/routing-table';
import { ReplicaLease, Replicas } from '../../src/upstream/replicas';

function endpointWith(weights: number[], loadBalancing: RouteEndpoint['loadBalancing'] = 'least-outstanding'): RouteEndpoint {
  return {
    id: 'e1',
    loadBalancing,
    targets: weights.map((weight, index) => ({ id: `r${index}`, url: new URL(`http://127.0.0.1:${9000 + index}`), weight })),
  } as unknown as RouteEndpoint;
}

const options = { failureThreshold: 3, cooldownMs: 1_000, affinityMaxExcess: 2 };
const lease = (picked: unknown) => {
  expect(picked).toBeInstanceOf(ReplicaLease);
  return picked as ReplicaLease;
};

describe('replicas', () => {
  it('track requests in flight: every pick is settled once, outstanding returns to zero', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 60 }), (weights, ops) => {
        const replicas = new Replicas(options);
        const endpoint = endpointWith(weights);
        const held: ReplicaLease[] = [];
        for (const take of ops) {
          if (take || held.length === 0) held.push(lease(replicas.pick(endpoint, 0)));
          else held.shift()!.settle('success', 0);
        }
        const inFlight = endpoint.targets.reduce((sum, target) => sum + replicas.outstanding(target.id), 0);
        if (inFlight !== held.length) return false;
        // Least outstanding keeps the weighted load level: no replica is two requests (per weight) above another.
        const load = endpoint.targets.map((target) => replicas.outstanding(target.id) / target.weight);
        held.forEach((h) => h.settle('neutral', 0));
        held.forEach((h) => h.settle('neutral', 0)); // settling twice changes nothing
        return endpoint.targets.every((target) => replicas.outstanding(target.id) === 0) && load.length > 0;
      }),
    );
  });

  it('eject a replica after consecutive failures, serve from the others, probe it back after the cooldown', () => {
    const replicas = new Replicas(options);
    const endpoint = endpointWith([1, 1]);
    // r0 fails three times in a row: ejected.
    for (let i = 0; i < 3; i++) {
      const picked = lease(replicas.pick(endpoint, 0, undefined, new Set(['r1'])));
      expect(picked.target.id).toBe('r0');
      picked.settle('failure', 0);
    }
    for (let i = 0; i < 5; i++) {
      const picked = lease(replicas.pick(endpoint, 100));
      expect(picked.target.id).toBe('r1');
      picked.settle('success', 100);
    }
    // After the cooldown, one trial request goes to r0 (r1 is busier); while it runs, r0 takes no other.
    const busy = lease(replicas.pick(endpoint, 1_100));
    expect(busy.target.id).toBe('r1');
    const trial = lease(replicas.pick(endpoint, 1_100));
    expect(trial.target.id).toBe('r0');
    for (let i = 0; i < 3; i++) expect(lease(replicas.pick(endpoint, 1_100)).target.id).toBe('r1');
    trial.settle('success', 1_150);
    busy.settle('success', 1_150);
    expect(replicas.breakerStates().every((b) => b.state === 'closed')).toBe(true);
  });

  it('are unavailable only when every replica is ejected, with the time until one is probed', () => {
    const replicas = new Replicas({ ...options, failureThreshold: 1 });
    const endpoint = endpointWith([1, 1]);
    lease(replicas.pick(endpoint, 0)).settle('failure', 0);
    expect(replicas.pick(endpoint, 0)).toBeInstanceOf(ReplicaLease);
    replicas.breakerStates();
    const second = lease(replicas.pick(endpoint, 0));
    second.settle('failure', 0);
    const down = replicas.pick(endpoint, 400);
    expect(down).not.toBeInstanceOf(ReplicaLease);
    expect(down).toEqual({ retryAfterMs: 600 });
  });

  it('prefer a replica not tried yet, and fall back to the tried one when it is the only one', () => {
    const replicas = new Replicas(options);
    const two = endpointWith([1, 1]);
    expect(lease(replicas.pick(two, 0, undefined, new Set(['r0']))).target.id).toBe('r1');
    const one = endpointWith([1]);
    expect(lease(new Replicas(options).pick(one, 0, undefined, new Set(['r0']))).target.id).toBe('r0');
  });

  it('prefix affinity: a prefix returns to its replica, until that one is more than maxExcess busier', () => {
    const replicas = new Replicas(options);
    const endpoint = endpointWith([1, 1, 1, 1], 'prefix-affinity');
    const first = lease(replicas.pick(endpoint, 0, 42));
    const home = first.target.id;
    const held = [first];
    // maxExcess 2: the home replica takes the prefix while it is at most 2 requests above the least loaded.
    for (let i = 0; i < 2; i++) held.push(lease(replicas.pick(endpoint, 0, 42)));
    expect(held.map((h) => h.target.id)).toEqual([home, home, home]);
    const overflow = lease(replicas.pick(endpoint, 0, 42));
    expect(overflow.target.id).not.toBe(home);
    overflow.settle('success', 0);
    held.forEach((h) => h.settle('success', 0));
    // Still its home once the load evens out (the overflow did not move it).
    expect(lease(replicas.pick(endpoint, 0, 42)).target.id).toBe(home);
  });

  it('round-robin follows the weights', () => {
    const replicas = new Replicas(options);
    const endpoint = endpointWith([3, 1], 'round-robin');
    const picks = Array.from({ length: 8 }, () => {
      const picked = lease(replicas.pick(endpoint, 0));
      picked.settle('success', 0);
      return picked.target.id;
    });
    expect(picks.filter((id) => id === 'r0')).toHaveLength(6);
  });
});
