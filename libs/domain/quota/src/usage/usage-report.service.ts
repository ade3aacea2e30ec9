import { Injectable } from '@nestjs/common';
import { RequestContext, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { checkRange } from './report-range';
import { splitByKstDays, usageByDaySql } from './usage-days';

export interface UsageReportRow {
  institutionId: string;
  model: string;
  day: string;
  requests: number;
  successfulRequests: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * The gateway's usage: tokens and requests per institution, model and day (KST), optionally only
 * through one pool's endpoints; whole days from the usage_daily roll-up, partial ones from the usage
 * records (usage-days.ts). Members see their own (RLS), admins and regulators all.
 */
@Injectable()
export class UsageReportService {
  constructor(private readonly scopes: TenantScopes) {}

  /**
   * Keyset-paged on (day, institution, model): `size + 1` rows, the extra one telling whether more
   * follow. `after` is the key of the last row of the previous page.
   */
  report(principal: Principal, range: { from: Date; to: Date; poolId?: string }, size: number, after?: unknown[]): Promise<UsageReportRow[]> {
    const { from, to, poolId } = range;
    checkRange(from, to);
    return this.scopes.read(principal, 'quota usage report', async (tx) => {
      // RLS alone filters a member's rows one by one; naming the institution lets the indexes find them.
      const scope = RequestContext.current()?.tenantScope;
      const ownTenant = scope?.kind === 'tenant' ? scope.tenantId : null;
      const parameters: unknown[] = [poolId ?? null, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, size + 1];
      const usage = usageByDaySql(from, to, ownTenant, parameters);
      // A range of whole days reads the roll-up alone: a page then follows the (day, institution,
      // model) index and stops after size + 1 groups. The RLS policy makes the planner expect a
      // handful of rows, so it would rather fetch and sort the whole month (4 500 rows for 50
      // institutions) first: ~10× slower for one page. Ranges with partial days keep the planner's choice.
      if (splitByKstDays(from, to).edges.length === 0) await tx.query(`select set_config('enable_sort', 'off', true)`);
      const rows = (await tx.query(
        `select to_char(r.day, 'YYYY-MM-DD') as day, r.tenant_id, r.model, r.requests, r.successful, r.prompt_tokens, r.completion_tokens from (
           select u.day, u.tenant_id, u.model,
                  sum(u.requests)::int as requests, sum(u.successful_requests)::int as successful,
                  coalesce(sum(u.prompt_tokens), 0)::float8 as prompt_tokens, coalesce(sum(u.completion_tokens), 0)::float8 as completion_tokens
           from (${usage}) u
           where $1::uuid is null or exists (select 1 from quota_pool_endpoints pe where pe.pool_id = $1 and pe.endpoint_id = u.endpoint_id)
           -- Grouped and ordered by the date (fixed-width YYYY-MM-DD text sorts the same), formatted once per row returned.
           group by 1, 2, 3
         ) r
         where $2::text is null or (to_char(r.day, 'YYYY-MM-DD'), r.tenant_id, r.model) > ($2::text, $3::uuid, $4::text)
         order by r.day, r.tenant_id, r.model limit $5`,
        parameters,
      )) as { tenant_id: string; model: string; day: string; requests: number; successful: number; prompt_tokens: number; completion_tokens: number }[];
      return rows.map((row) => ({
        institutionId: row.tenant_id,
        model: row.model,
        day: row.day,
        requests: row.requests,
        successfulRequests: row.successful,
        promptTokens: row.prompt_tokens,
        completionTokens: row.completion_tokens,
        totalTokens: row.prompt_tokens + row.completion_tokens,
      }));
    });
  }
}
