import { Injectable } from '@nestjs/common';
import { RequestContext, SYSTEM_PRINCIPAL } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { QuotaPoolAdminService } from '../pools/quota-pool-admin.service';
import { QuotaPoolService } from '../pools/quota-pool.service';

export const DEMO_POOL_NAME = 'consortium-gpu-llama';

/**
 * The demo pool over the three institutions' `llama-3.1-70b` endpoints, weights from their capital
 * (50/30/20). Sized for the model simulator on a laptop: 60 000 tokens and 120 requests per
 * minute, 24 in flight, 10 % headroom. Idempotent: does nothing if the pool exists.
 */
@Injectable()
export class DemoQuotaSeeder {
  constructor(
    private readonly scopes: TenantScopes,
    private readonly pools: QuotaPoolService,
    private readonly admin: QuotaPoolAdminService,
  ) {}

  seed(): Promise<string[]> {
    return RequestContext.run({ requestId: 'seed-quota', principal: SYSTEM_PRINCIPAL }, async () => {
      const existing = await this.pools.pools(SYSTEM_PRINCIPAL);
      if (existing.some((pool) => pool.name === DEMO_POOL_NAME)) return [];
      const endpoints = await this.endpointsNamed('llama-3.1-70b');
      if (!endpoints.length) return [];
      await this.admin.create(SYSTEM_PRINCIPAL, {
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

  /** Endpoints with this name across institutions. */
  private endpointsNamed(name: string): Promise<{ id: string; institutionId: string }[]> {
    return this.scopes.admin(SYSTEM_PRINCIPAL, `find endpoints named ${name}`, async (tx) =>
      (
        (await tx.query(`select id, tenant_id from endpoints where name = $1 and state <> 'retired' order by created_at`, [name])) as {
          id: string;
          tenant_id: string;
        }[]
      ).map((row) => ({ id: row.id, institutionId: row.tenant_id })),
    );
  }
}
