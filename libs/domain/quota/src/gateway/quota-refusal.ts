import type { AdmissionRefusal } from '@ai-commons/quota-allocator';
import { GatewayError } from '@ai-commons/gateway-admission';

const DIMENSION_TEXT: Record<string, string> = {
  tokensPerMinute: 'tokens per minute',
  requestsPerMinute: 'requests per minute',
  concurrentRequests: 'concurrent requests',
  periodTokens: 'tokens this month',
};

const BOUND_TEXT: Record<string, string> = {
  pool_capacity: "the pool's capacity (less what members' guarantees keep back)",
  reclaim: 'an owner reclaiming its guaranteed share',
  fair_share: 'a fair share: another institution with a lower weighted share is waiting',
  borrowing_limit: "your institution's borrowing limit",
  hard_cap: "your institution's hard cap",
  period_budget: "your institution's monthly token budget",
  membership: 'pool membership',
};

/**
 * Bounds whose `limit` is the caller's own setting (a cap, a borrowing limit, a budget) and whose
 * `used` is the caller's own usage. For the others the figures describe the pool: `used` of
 * `pool_capacity` / `reclaim` is every member's usage together, and a `fair_share` limit is computed
 * from another member's usage — so a 429 would let a member derive others' usage. Those are null.
 */
const OWN_LIMIT_BOUNDS = new Set(['hard_cap', 'borrowing_limit', 'period_budget', 'membership']);
const OWN_USAGE_BOUNDS = new Set([...OWN_LIMIT_BOUNDS, 'fair_share']);

/** A quota refusal in OpenAI's error shape, plus `error.quota`: which limit refused and when it frees. */
export class QuotaRefusalError extends GatewayError {
  constructor(
    status: number,
    type: 'rate_limit_error' | 'insufficient_quota' | 'invalid_request_error' | 'permission_error',
    code: string,
    message: string,
    headers: Record<string, string>,
    readonly quota: Record<string, unknown>,
  ) {
    super(status, type, code, message, null, headers);
  }

  override body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code, quota: this.quota } });
  }
}

/** Maps the allocator's refusal to the HTTP answer: 429 + Retry-After for rates, insufficient_quota for budgets. */
export function quotaRefusal(poolName: string, refusal: AdmissionRefusal, nowMs: number): QuotaRefusalError {
  const { limit, reason, retryAfterMs } = refusal;
  const what = DIMENSION_TEXT[limit.dimension ?? ''] ?? 'quota';
  const ownLimit = OWN_LIMIT_BOUNDS.has(limit.bound) ? limit.limit : null;
  const ownUsed = OWN_USAGE_BOUNDS.has(limit.bound) ? limit.used : null;
  const quota = {
    pool: poolName,
    reason,
    dimension: limit.dimension,
    bound: limit.bound,
    limit: ownLimit,
    used: ownUsed,
    requested: limit.requested,
    retry_after_ms: retryAfterMs,
    frees_at: retryAfterMs === null ? null : new Date(nowMs + retryAfterMs).toISOString(),
  };
  const numbers = [ownLimit === null ? null : `limit ${fmt(ownLimit)}`, ownUsed === null ? null : `used ${fmt(ownUsed)}`, `requested ${fmt(limit.requested)}`]
    .filter((part) => part !== null)
    .join(', ');
  if (reason === 'not_a_member') {
    return new QuotaRefusalError(403, 'permission_error', 'not_a_pool_member', `Your institution has no quota in capacity pool ${poolName}.`, {}, quota);
  }
  if (reason === 'request_too_large' || retryAfterMs === null) {
    return new QuotaRefusalError(
      413,
      'invalid_request_error',
      'quota_request_too_large',
      `This request (${fmt(limit.requested)} ${what}) can never fit ${BOUND_TEXT[limit.bound] ?? limit.bound} in pool ${poolName} (${numbers}); reduce max_tokens or the prompt.`,
      {},
      quota,
    );
  }
  const headers = { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))), 'retry-after-ms': String(Math.max(0, Math.ceil(retryAfterMs))) };
  const when = `${(retryAfterMs / 1000).toFixed(3)}s (at ${quota.frees_at})`;
  if (reason === 'budget_exhausted') {
    return new QuotaRefusalError(
      429,
      'insufficient_quota',
      'insufficient_quota',
      `You exceeded your institution's monthly token budget in pool ${poolName} (${numbers}). It renews in ${when}.`,
      headers,
      quota,
    );
  }
  return new QuotaRefusalError(
    429,
    'rate_limit_error',
    'rate_limit_exceeded',
    `Rate limit reached for ${what} in pool ${poolName}, bound by ${BOUND_TEXT[limit.bound] ?? limit.bound} (${numbers}). Please try again in ${when}.`,
    headers,
    quota,
  );
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
