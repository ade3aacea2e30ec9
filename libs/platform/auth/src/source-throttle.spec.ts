import fc from 'fast-check';
import { SourceThrottle } from './source-throttle';

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
});
