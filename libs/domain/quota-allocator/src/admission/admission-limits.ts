import type { ResolvedMember } from '../config/resolved-member';
import { DIMENSIONS, type Dimension, type PerDimension } from '../dimensions';
import type { AdmissionPolicy } from './admission-policy';
import type { AdmissionRefusal, AdmissionRequest, LimitBound } from './admission-types';
import type { BudgetPeriod } from './budget-period';

/** What one request takes from each dimension. */
export function amountsOf(request: AdmissionRequest): PerDimension<number> {
  return { tokensPerMinute: request.estimatedTokens, requestsPerMinute: 1, concurrentRequests: 1 };
}

/** A request that no amount of waiting would admit under the current config. */
export function tooLargeRefusal(
  policy: AdmissionPolicy,
  quota: ResolvedMember,
  amounts: PerDimension<number>,
  used: PerDimension<number>,
): AdmissionRefusal | undefined {
  const budget = quota.periodTokenBudget;
  if (budget !== null && amounts.tokensPerMinute > budget) {
    return tooLarge('periodTokens', 'period_budget', budget, 0, amounts.tokensPerMinute);
  }
  for (const dimension of DIMENSIONS) {
    const bounds: [LimitBound, number][] = [
      ['pool_capacity', policy.capacity[dimension]],
      ['hard_cap', quota.hardCap[dimension]],
      ['borrowing_limit', quota.guaranteed[dimension] + quota.borrowingLimit[dimension]],
    ];
    const [bound, limit] = bounds.reduce((lowest, candidate) => (candidate[1] < lowest[1] ? candidate : lowest));
    if (amounts[dimension] > limit) return tooLarge(dimension, bound, limit, used[dimension], amounts[dimension]);
  }
  return undefined;
}

/** Budget check: the estimate must fit in what is left of this period's budget. */
export function budgetRefusal(
  quota: ResolvedMember,
  period: BudgetPeriod,
  periodUsedTokens: number,
  estimatedTokens: number,
  nowMs: number,
): AdmissionRefusal | undefined {
  const budget = quota.periodTokenBudget;
  if (budget === null || periodUsedTokens + estimatedTokens <= budget) return undefined;
  return {
    admitted: false,
    reason: 'budget_exhausted',
    retryAfterMs: Math.max(1, period.endMs - nowMs),
    limit: { dimension: 'periodTokens', bound: 'period_budget', limit: budget, used: periodUsedTokens, requested: estimatedTokens },
  };
}

export function notAMemberRefusal(request: AdmissionRequest): AdmissionRefusal {
  return {
    admitted: false,
    reason: 'not_a_member',
    retryAfterMs: null,
    limit: { dimension: null, bound: 'membership', limit: 0, used: 0, requested: request.estimatedTokens },
  };
}

function tooLarge(dimension: Dimension | 'periodTokens', bound: LimitBound, limit: number, used: number, requested: number): AdmissionRefusal {
  return { admitted: false, reason: 'request_too_large', retryAfterMs: null, limit: { dimension, bound, limit, used, requested } };
}
