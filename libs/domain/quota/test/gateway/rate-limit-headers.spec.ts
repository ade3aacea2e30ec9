import fc from 'fast-check';
import { buildAdmissionPolicy } from '@ai-commons/quota-allocator';
import { MemoryQuotaStore } from '../../src/gateway/quota-store';
import { QuotaTable } from '../../src/gateway/quota-table';
import { formatResetDuration, rateLimitHeaders, RateLimitReporter } from '../../src/gateway/rate-limit-headers';

/** Reads a Go-style duration back (the test's own parser, so the format is checked both ways). */
function parseDuration(text: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+)ms)?$/.exec(text);
  if (!match || text === '') throw new Error(`not a duration: ${text}`);
  const [, h = '0', m = '0', s = '0', ms = '0'] = match;
  return Number(h) * 3_600_000 + Number(m) * 60_000 + Math.round(Number(s) * 1_000) + Number(ms);
}

describe('formatResetDuration', () => {
  it("spells durations like OpenAI's headers", () => {
    expect(formatResetDuration(0)).toBe('0s');
    expect(formatResetDuration(20)).toBe('20ms');
    expect(formatResetDuration(999)).toBe('999ms');
    expect(formatResetDuration(1_000)).toBe('1s');
    expect(formatResetDuration(1_500)).toBe('1.5s');
    expect(formatResetDuration(8_640)).toBe('8.64s');
    expect(formatResetDuration(60_000)).toBe('1m0s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(3_723_004)).toBe('1h2m3.004s');
    expect(formatResetDuration(0.2)).toBe('1ms');
    expect(formatResetDuration(-5)).toBe('0s');
    expect(formatResetDuration(Number.NaN)).toBe('0s');
  });

  it('reads back as the duration rounded up to a millisecond, and keeps the order of durations', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 48 * 3_600_000, noNaN: true }), fc.double({ min: 0, max: 48 * 3_600_000, noNaN: true }), (a, b) => {
        const text = formatResetDuration(a);
        expect(text).toMatch(/^(\d+ms|(\d+h)?(\d+m)?\d+(\.\d{1,3})?s)$/);
        expect(parseDuration(text)).toBe(Math.ceil(a));
        if (a <= b) expect(parseDuration(formatResetDuration(a))).toBeLessThanOrEqual(parseDuration(formatResetDuration(b)));
      }),
      { numRuns: 500 },
    );
  });
});

describe('RateLimitReporter', () => {
  const NOW = 1_000_000;
  const policy = buildAdmissionPolicy({ capacity: { tokensPerMinute: 1_000, requestsPerMinute: 100, concurrentRequests: 10 }, headroom: 0.1 }, [
    { institutionId: 't1', weight: 0.5 },
    { institutionId: 't2', weight: 0.5 },
  ]);
  const table = new QuotaTable([{ id: 'p1', name: 'pool-one', policy }], [{ endpointId: 'e1', poolId: 'p1' }]);

  it('reports the standing after an admission from the state it committed, and nothing for an endpoint in no pool', async () => {
    const store = new MemoryQuotaStore(() => NOW);
    const reporter = new RateLimitReporter(
      () => table,
      store,
      () => NOW,
    );
    expect(reporter.headersFor('t1', 'elsewhere')).toBeUndefined();
    expect(reporter.headersFor('t1', 'e1')).toEqual(
      rateLimitHeaders({ limit: 100, remaining: 100, resetMs: 0 }, { limit: 1_000, remaining: 1_000, resetMs: 0 }),
    );
    await store.admit('p1', policy, { institutionId: 't1', estimatedTokens: 120 });
    const headers = reporter.headersFor('t1', 'e1')!;
    expect(headers['x-ratelimit-remaining-requests']).toBe('99');
    expect(headers['x-ratelimit-remaining-tokens']).toBe('880');
    expect(headers['x-ratelimit-reset-tokens']).toBe('1m5s'); // bucket 200 is counted until bucket 213 starts (1 065 s)
    // t2 may borrow 1 000 − 120 − 450 = 430 beyond its guarantee of 450; it is shown in steps of 100 (a
    // tenth of the pool): 400. Any usage of t1 from 51 to 150 tokens shows the same.
    expect(reporter.headersFor('t2', 'e1')!['x-ratelimit-limit-tokens']).toBe('850');
    await store.admit('p1', policy, { institutionId: 't1', estimatedTokens: 30 });
    expect(reporter.headersFor('t2', 'e1')!['x-ratelimit-limit-tokens']).toBe('850');
  });
});
