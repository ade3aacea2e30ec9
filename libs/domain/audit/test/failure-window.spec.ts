import fc from 'fast-check';
import { FailureWindow, OVERFLOW_KEY, routeOf, type FailureObservation } from '../src/authentication-failures/failure-window';

const observation = fc.record({
  sourceAddress: fc.constantFrom('10.0.0.1', '10.0.0.2', '10.0.0.3', '2001:db8::1', '192.0.2.9'),
  reason: fc.constantFrom('TOKEN_MALFORMED', 'TOKEN_EXPIRED', 'invalid_api_key', 'RATE_LIMITED'),
  route: fc.constantFrom('POST /graphql', 'POST /v1/chat', 'GET /audit/export'),
  httpStatus: fc.constantFrom(401, 403, 429),
});

describe('FailureWindow', () => {
  it('preserves the count: every failure is in exactly one entry, whatever the cap (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(observation, fc.integer({ min: 0, max: 1e6 })), { maxLength: 400 }),
        fc.integer({ min: 0, max: 20 }),
        (failures, maxKeys) => {
          const window = new FailureWindow(maxKeys);
          for (const [failure, at] of failures) window.record(failure, at);
          expect(window.total).toBe(failures.length);
          const drained = window.drain();
          expect(drained.reduce((sum, entry) => sum + entry.count, 0)).toBe(failures.length);
          // Bounded: at most the cap plus the one overflow entry.
          expect(drained.length).toBeLessThanOrEqual(maxKeys + 1);
          expect(drained.filter((entry) => entry.overflow).length).toBeLessThanOrEqual(1);
          // Each non-overflow entry counts exactly the failures of its key, between its first and last time.
          for (const entry of drained.filter((e) => !e.overflow)) {
            const mine = failures.filter(([f]) => f.sourceAddress === entry.sourceAddress && f.reason === entry.reason && f.route === entry.route);
            expect(entry.count).toBe(mine.length);
            expect(entry.firstAt).toBe(Math.min(...mine.map(([, at]) => at)));
            expect(entry.lastAt).toBe(Math.max(...mine.map(([, at]) => at)));
          }
          // A drained window starts empty.
          expect(window.total).toBe(0);
          expect(window.drain()).toEqual([]);
        },
      ),
    );
  });

  it('aggregates one entry per (source, reason, route) with count, first and last time', () => {
    const window = new FailureWindow(10);
    const bad: FailureObservation = { sourceAddress: '10.0.0.1', reason: 'TOKEN_MALFORMED', route: 'POST /graphql', httpStatus: 401, requestId: 'r1' };
    window.record(bad, 1_000);
    window.record({ ...bad, requestId: 'r2' }, 3_000);
    window.record({ ...bad, reason: 'TOKEN_EXPIRED', requestId: 'r3' }, 2_000);
    expect(window.drain()).toEqual([
      {
        sourceAddress: '10.0.0.1',
        reason: 'TOKEN_MALFORMED',
        route: 'POST /graphql',
        httpStatus: 401,
        count: 2,
        firstAt: 1_000,
        lastAt: 3_000,
        firstRequestId: 'r1',
        overflow: false,
      },
      {
        sourceAddress: '10.0.0.1',
        reason: 'TOKEN_EXPIRED',
        route: 'POST /graphql',
        httpStatus: 401,
        count: 1,
        firstAt: 2_000,
        lastAt: 2_000,
        firstRequestId: 'r3',
        overflow: false,
      },
    ]);
  });

  it('puts failures of keys beyond the cap into one overflow entry; memory stays bounded under many sources', () => {
    const window = new FailureWindow(100);
    for (let i = 0; i < 100_000; i++)
      window.record({ sourceAddress: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, reason: 'TOKEN_MALFORMED', route: 'POST /graphql', httpStatus: 401 }, i);
    expect(window.size).toBe(101);
    const drained = window.drain();
    expect(drained.at(-1)).toMatchObject({ ...OVERFLOW_KEY, count: 100_000 - 100, firstAt: 100, lastAt: 99_999, overflow: true });
  });

  it('names routes in a bounded form: method and at most two path segments, no query string', () => {
    expect(routeOf('POST', '/graphql?x=1')).toBe('POST /graphql');
    expect(routeOf('POST', '/v1/chat/completions')).toBe('POST /v1/chat');
    expect(routeOf('GET', '/isolation/reports/4f1c.json')).toBe('GET /isolation/reports');
    expect(routeOf('GET', `/${'a'.repeat(500)}`).length).toBeLessThanOrEqual(100);
  });
});
