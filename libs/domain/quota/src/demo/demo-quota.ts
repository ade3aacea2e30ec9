import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import type { QuotaService } from '../service/quota.service';

export const DEMO_POOL_NAME = 'consortium-gpu-llama';

/**
 * The demo pool over the three institutions' `llama-3.1-70b` endpoints, weights from their capital
 * (50/30/20). Sized for the model simulator on a laptop: 60 000 tokens and 120 requests per
 * minute, 24 in flight, 10 % headroom. Idempotent: does nothing if the pool exists.
 */
export async function seedDemoQuota(quota: QuotaService): Promise<string[]> {
  return RequestContext.run({ requestId: 'seed-quota', principal: SYSTEM_PRINCIPAL }, async () => {
    const existing = await quota.pools(SYSTEM_PRINCIPAL);
    if (existing.some((pool) => pool.name === DEMO_POOL_NAME)) return [];
    const endpoints = await quota.endpointsNamed(SYSTEM_PRINCIPAL, 'llama-3.1-70b');
    if (!endpoints.length) return [];
    await quota.create(SYSTEM_PRINCIPAL, {
      name: DEMO_POOL_NAME,
      description: 'Shared Llama 3.1 70B GPU capacity, split by investment',
      capacity: { tokensPerMinute: 60_000, requestsPerMinute: 120, concurrentRequests: 24 },
      headroom: 0.1,
      monthlyCostKrw: '45000000',
      endpointIds: endpoints.map((endpoint) => endpoint.id),
      members: [...new Set(endpoints.map((endpoint) => endpoint.institutionId))].map((institutionId) => ({ institutionId })),
    });
    return [DEMO_POOL_NAME];
  });
}
