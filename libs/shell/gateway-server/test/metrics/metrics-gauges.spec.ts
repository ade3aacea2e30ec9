import { GatewayError } from '@ai-commons/gateway-admission';
import { QuotaRefusalError } from '@ai-commons/quota';
import { throttleReason } from '../../src/metrics/throttle-reason';
import { EXPIRY_WINDOW_MS, expiriesByInstitution } from '../../src/metrics/expiry-gauges';

describe('throttleReason', () => {
  const quota = (code: string, dimension: string | null) => new QuotaRefusalError(429, 'rate_limit_error', code, 'x', {}, { dimension });

  it('names the quota dimension that refused, the budget, or the authentication brake', () => {
    expect(throttleReason(quota('rate_limit_exceeded', 'requestsPerMinute'))).toBe('rate');
    expect(throttleReason(quota('rate_limit_exceeded', 'tokensPerMinute'))).toBe('tokens');
    expect(throttleReason(quota('rate_limit_exceeded', 'concurrentRequests'))).toBe('concurrency');
    expect(throttleReason(quota('insufficient_quota', 'periodTokens'))).toBe('budget');
    expect(throttleReason(new GatewayError(429, 'rate_limit_error', 'too_many_authentication_failures', 'x'))).toBe('authentication');
    expect(throttleReason(quota('rate_limit_exceeded', 'something-new'))).toBe('other');
  });
});

describe('expiriesByInstitution', () => {
  const now = Date.parse('2026-12-03T00:00:00Z');
  const day = 86_400_000;

  it('gives each institution its soonest expiry and how many fall within the window', () => {
    const figures = expiriesByInstitution(
      [
        { institution: 'hanbit-bank', expiresAt: new Date(now + 40 * day) },
        { institution: 'hanbit-bank', expiresAt: new Date(now + 10 * day) },
        { institution: 'hanbit-bank', expiresAt: new Date(now - day) },
        { institution: 'daehan-card', expiresAt: new Date(now + 90 * day) },
      ],
      now,
    );
    expect(figures.get('hanbit-bank')).toEqual({ nextSeconds: -86_400, expiring: 2 });
    expect(figures.get('daehan-card')).toEqual({ nextSeconds: 90 * 86_400, expiring: 0 });
    expect(EXPIRY_WINDOW_MS).toBe(30 * day);
  });
});
