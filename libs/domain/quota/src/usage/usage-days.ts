import { KST } from './report-range';

const DAY_MS = 86_400_000;
/** KST is UTC+9 all year (no daylight saving): a KST day starts at 15:00 UTC. */
const KST_OFFSET_MS = 9 * 3_600_000;

/** [from, to) as whole KST days (the roll-up answers them) and at most two partial edges (only usage records can). */
export interface UsageRangeSplit {
  /** KST dates `YYYY-MM-DD`, first included, end excluded; absent when no whole day fits. */
  wholeDays?: { first: string; end: string };
  /** Instants [from, to) before the first and after the last whole day (or the whole range). */
  edges: { from: Date; to: Date }[];
}

const kstDayStart = (ms: number) => Math.floor((ms + KST_OFFSET_MS) / DAY_MS) * DAY_MS - KST_OFFSET_MS;
const kstDate = (dayStartMs: number) => new Date(dayStartMs + KST_OFFSET_MS).toISOString().slice(0, 10);

/** The KST calendar month holding `at`: [its first instant, the next month's). */
export function kstMonthOf(at: Date): { from: Date; to: Date } {
  const kst = new Date(at.getTime() + KST_OFFSET_MS);
  const start = (monthsAhead: number) => new Date(Date.UTC(kst.getUTCFullYear(), kst.getUTCMonth() + monthsAhead, 1) - KST_OFFSET_MS);
  return { from: start(0), to: start(1) };
}

export function splitByKstDays(from: Date, to: Date): UsageRangeSplit {
  const start = from.getTime();
  const end = to.getTime();
  const floorStart = kstDayStart(start);
  const firstWhole = floorStart === start ? start : floorStart + DAY_MS;
  const endWhole = kstDayStart(end);
  if (!(firstWhole < endWhole)) return { edges: start < end ? [{ from, to }] : [] };
  const edges: { from: Date; to: Date }[] = [];
  if (start < firstWhole) edges.push({ from, to: new Date(firstWhole) });
  if (endWhole < end) edges.push({ from: new Date(endWhole), to });
  return { wholeDays: { first: kstDate(firstWhole), end: kstDate(endWhole) }, edges };
}

/**
 * Usage over [from, to) as rows of (tenant_id, day, endpoint_id, model, use_case_id, requests,
 * successful_requests, prompt_tokens, completion_tokens): whole KST days from the usage_daily
 * roll-up, the partial days at the edges from usage_records — the same sums the records give,
 * reading at most two days of records. `tenantId` (when set) names the institution in both
 * branches, so the (tenant_id, …) indexes apply and not RLS alone. Appends its values to
 * `parameters`; its placeholders continue their numbering.
 */
export function usageByDaySql(from: Date, to: Date, tenantId: string | null, parameters: unknown[]): string {
  const { wholeDays, edges } = splitByKstDays(from, to);
  const placeholder = (value: unknown) => `$${parameters.push(value)}`;
  const tenant = placeholder(tenantId);
  const branches: string[] = [];
  if (wholeDays) {
    branches.push(`select tenant_id, day, endpoint_id, model, use_case_id, requests, successful_requests, prompt_tokens, completion_tokens
       from usage_daily where day >= ${placeholder(wholeDays.first)}::date and day < ${placeholder(wholeDays.end)}::date and (${tenant}::uuid is null or tenant_id = ${tenant})`);
  }
  for (const edge of edges) {
    branches.push(`select tenant_id, (occurred_at at time zone '${KST}')::date as day, endpoint_id, model, use_case_id, count(*) as requests,
              count(*) filter (where outcome = 'success') as successful_requests, coalesce(sum(prompt_tokens), 0) as prompt_tokens,
              coalesce(sum(completion_tokens), 0) as completion_tokens
       from usage_records where occurred_at >= ${placeholder(edge.from)} and occurred_at < ${placeholder(edge.to)} and (${tenant}::uuid is null or tenant_id = ${tenant})
       group by 1, 2, 3, 4, 5`);
  }
  return branches.join('\n     union all\n     ');
}
