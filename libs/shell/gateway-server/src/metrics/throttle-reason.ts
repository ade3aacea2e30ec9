import type { ThrottleReason } from '@ai-commons/observability';
import { QuotaRefusalError } from '@ai-commons/quota';
import type { GatewayError } from '@ai-commons/gateway-admission';

const BY_DIMENSION: Record<string, ThrottleReason> = {
  requestsPerMinute: 'rate',
  tokensPerMinute: 'tokens',
  concurrentRequests: 'concurrency',
  periodTokens: 'budget',
};

/** Why a 429 was answered, from the refusal itself (the quota's dimension; the auth brake's code): a fixed set of labels. */
export function throttleReason(error: GatewayError): ThrottleReason {
  if (error instanceof QuotaRefusalError) {
    if (error.code === 'insufficient_quota') return 'budget';
    const dimension = error.quota.dimension;
    return (typeof dimension === 'string' && BY_DIMENSION[dimension]) || 'other';
  }
  return error.code === 'too_many_authentication_failures' ? 'authentication' : 'other';
}
