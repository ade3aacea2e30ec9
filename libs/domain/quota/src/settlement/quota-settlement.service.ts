import { Injectable } from '@nestjs/common';
import type { Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { QuotaPoolService } from '../pools/quota-pool.service';
import { checkRange } from '../usage/report-range';
import { usageByDaySql } from '../usage/usage-days';

/**
 * Splits a pool's cost over [from, to) (monthly cost prorated by 30-day months) between members by
 * investment (weight) and by use (share of tokens through the pool's endpoints; whole days from the
 * usage_daily roll-up, see usage-days.ts).
 */
@Injectable()
export class QuotaSettlementService {
  constructor(
    private readonly scopes: TenantScopes,
    private readonly pools: QuotaPoolService,
  ) {}

  async settlement(principal: Principal, poolId: string, from: Date, to: Date) {
    checkRange(from, to);
    const pool = await this.pools.pool(principal, poolId);
    const usage = await this.scopes.read(principal, `settle quota pool ${poolId}`, async (tx) => {
      const parameters: unknown[] = [poolId];
      const source = usageByDaySql(from, to, null, parameters);
      return (await tx.query(
        `select u.tenant_id, coalesce(sum(u.prompt_tokens + u.completion_tokens), 0)::float8 as tokens
           from (${source}) u join quota_pool_endpoints pe on pe.endpoint_id = u.endpoint_id and pe.tenant_id = u.tenant_id
           where pe.pool_id = $1 group by 1`,
        parameters,
      )) as { tenant_id: string; tokens: number }[];
    });
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    const costKrw = Number(pool.monthlyCostKrw) * (days / 30);
    const totalTokens = usage.reduce((sum, row) => sum + row.tokens, 0);
    return {
      poolId,
      poolName: pool.name,
      from,
      to,
      costKrw,
      totalTokens,
      members: pool.members.map((member) => {
        const tokens = usage.find((row) => row.tenant_id === member.institutionId)?.tokens ?? 0;
        const useShare = totalTokens > 0 ? tokens / totalTokens : 0;
        return {
          institutionId: member.institutionId,
          weight: member.weight,
          tokens,
          useShare,
          byInvestmentKrw: costKrw * member.weight,
          byUseKrw: costKrw * useShare,
        };
      }),
    };
  }
}
