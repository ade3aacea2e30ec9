import fc from 'fast-check';
import { SourceThrottle, throttleKeyOf } from './source-throttle';

describe('SourceThrottle', () => {
  it('lets a source fail `burst` times, then refuses it until a token has refilled', () => {
    let now = 0;
    const throttle = new SourceThrottle({ burst: 3, refillPerSecond: 0.5, maxSources: 10, clock: () => now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
      throttle.recordFailure('10.0.0.1');
    }
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 2_000 });
    // Other sources are not braked.
    expect(throttle.check('10.0.0.2')).toEqual({ allowed: true });
    now = 1_000;
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: false, retryAfterMs: 1_000 });
    now = 2_000;
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
  });

  it('never tracks more than maxSources; the least recently failing is forgotten first (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 500 }), fc.integer({ min: 1, max: 30 }), (sources, maxSources) => {
        const throttle = new SourceThrottle({ burst: 1, refillPerSecond: 1, maxSources, clock: () => 0 });
        for (const source of sources) throttle.recordFailure(`10.0.0.${source}`);
        expect(throttle.size).toBeLessThanOrEqual(maxSources);
        if (sources.length) expect(throttle.check(`10.0.0.${sources.at(-1)}`).allowed).toBe(false);
      }),
    );
  });

  it('counts IPv6 callers by /64 and IPv4-mapped addresses as IPv4', () => {
    expect(throttleKeyOf('10.0.0.1')).toBe('10.0.0.1');
    expect(throttleKeyOf('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(throttleKeyOf('2001:db8:0:1::7')).toBe('2001:db8:0:1::/64');
    expect(throttleKeyOf('2001:0db8:0000:0001:ffff:1:2:3')).toBe('2001:db8:0:1::/64');
    expect(throttleKeyOf('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(throttleKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(throttleKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    const throttle = new SourceThrottle({ burst: 2, refillPerSecond: 1, maxSources: 10, clock: () => 0 });
    throttle.recordFailure('2001:db8:0:1::a');
    throttle.recordFailure('2001:db8:0:1::b');
    expect(throttle.check('2001:db8:0:1::c').allowed).toBe(false);
    expect(throttle.check('2001:db8:0:2::c').allowed).toBe(true);
  });
});
