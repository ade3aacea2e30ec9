import type { AdmissionRefusal } from '@ai-commons/quota-allocator';
import { quotaRefusal } from '../../src/gateway/quota-refusal';

function refusal(bound: string, used: number, limit: number, reason = 'rate_limited'): AdmissionRefusal {
  return {
    admitted: false,
    reason,
    retryAfterMs: 1_500,
    limit: { dimension: 'tokensPerMinute', bound, limit, used, requested: 100 },
  } as unknown as AdmissionRefusal;
}

describe('quotaRefusal: a 429 shows the caller its own figures only', () => {
  it.each(['pool_capacity', 'reclaim'])('hides the pool-wide usage and limit of a %s refusal, in the body and the message', (bound) => {
    const error = quotaRefusal('shared-gpu', refusal(bound, 987_654, 1_234_567), 0);
    const body = JSON.parse(error.body());
    expect(error.status).toBe(429);
    expect(body.error.quota).toMatchObject({ bound, limit: null, used: null, requested: 100, retry_after_ms: 1_500 });
    expect(error.body()).not.toMatch(/987654|1234567/);
  });

  it('hides a fair-share limit (computed from another member usage) but shows the caller its own usage', () => {
    const error = quotaRefusal('shared-gpu', refusal('fair_share', 4_200, 7_777), 0);
    expect(JSON.parse(error.body()).error.quota).toMatchObject({ bound: 'fair_share', limit: null, used: 4_200 });
    expect(error.body()).not.toContain('7777');
  });

  it.each(['hard_cap', 'borrowing_limit'])('shows the caller its own %s and usage', (bound) => {
    const error = quotaRefusal('shared-gpu', refusal(bound, 900, 1_000), 0);
    expect(JSON.parse(error.body()).error.quota).toMatchObject({ bound, limit: 1_000, used: 900 });
    expect(error.message).toContain('limit 1000, used 900, requested 100');
  });
});
