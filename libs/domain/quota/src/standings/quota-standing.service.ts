import { Injectable } from '@nestjs/common';
import type { Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import type { PoolCapacity } from '@ai-commons/quota-allocator';
import { loadPoolDefinitions } from '../config/quota-pool-definition';
import { toView } from '../pools/quota-pool-view';
import { isVisible, visibleMemberships } from '../pools/visible-memberships';
import { kstMonthOf, usageByDaySql } from '../usage/usage-days';

export interface QuotaStandingView {
  poolId: string;
  poolName: string;
  institutionId: string;
  weight: number;
  guaranteed: PoolCapacity;
  usedLastMinute: { tokensPerMinute: number; requestsPerMinute: number };
  borrowingNow: { tokensPerMinute: number; requestsPerMinute: number };
  periodTokenBudget: number | null;
  periodUsedTokens: number;
  periodRemainingTokens: number | null;
}

interface PoolUsageRow {
  pool_id: string;
  tenant_id: string;
  minute_tokens: number;
  minute_requests: number;
  month_tokens: number;
}

/**
 * Live standings: each visible member's guarantee, its use in the last minute and what of it is
 * borrowed (use above the guarantee) from usage records, and its token budget left this month (KST)
 * from the usage_daily roll-up.
 */
@Injectable()
export class QuotaStandingService {
  constructor(private readonly scopes: TenantScopes) {}

  async standings(principal: Principal): Promise<QuotaStandingView[]> {
    const visible = await this.scopes.read(principal, 'read quota standings', visibleMemberships);
    if (!visible.length) return [];
    return this.scopes.system('quota standings', async (tx) => {
      const definitions = await loadPoolDefinitions(tx);
      // The last minute from the records; this month's tokens from the roll-up (whole KST days, today's included).
      const month = kstMonthOf(new Date());
      const parameters: unknown[] = [];
      const monthUsage = usageByDaySql(month.from, month.to, null, parameters);
      const usage = (await tx.query(
        `select pe.pool_id, u.tenant_id, sum(u.minute_tokens)::float8 as minute_tokens, sum(u.minute_requests)::float8 as minute_requests,
                sum(u.month_tokens)::float8 as month_tokens
         from (
           select tenant_id, endpoint_id, prompt_tokens + completion_tokens as minute_tokens, (outcome = 'success')::int as minute_requests, 0 as month_tokens
             from usage_records where occurred_at > now() - interval '1 minute'
           union all
           select tenant_id, endpoint_id, 0, 0, prompt_tokens + completion_tokens from (${monthUsage}) m
         ) u join quota_pool_endpoints pe on pe.endpoint_id = u.endpoint_id and pe.tenant_id = u.tenant_id
         group by pe.pool_id, u.tenant_id`,
        parameters,
      )) as PoolUsageRow[];
      const standings: QuotaStandingView[] = [];
      for (const definition of definitions) {
        for (const member of toView(definition).members) {
          if (!isVisible(visible, definition.id, member.institutionId)) continue;
          const used = usage.find((row) => row.pool_id === definition.id && row.tenant_id === member.institutionId);
          const minuteTokens = used?.minute_tokens ?? 0;
          const minuteRequests = used?.minute_requests ?? 0;
          const monthTokens = used?.month_tokens ?? 0;
          standings.push({
            poolId: definition.id,
            poolName: definition.name,
            institutionId: member.institutionId,
            weight: member.weight,
            guaranteed: member.guaranteed,
            usedLastMinute: { tokensPerMinute: minuteTokens, requestsPerMinute: minuteRequests },
            borrowingNow: {
              tokensPerMinute: Math.max(0, minuteTokens - member.guaranteed.tokensPerMinute),
              requestsPerMinute: Math.max(0, minuteRequests - member.guaranteed.requestsPerMinute),
            },
            periodTokenBudget: member.periodTokenBudget,
            periodUsedTokens: monthTokens,
            periodRemainingTokens: member.periodTokenBudget === null ? null : Math.max(0, member.periodTokenBudget - monthTokens),
          });
        }
      }
      return standings;
    });
  }
}
