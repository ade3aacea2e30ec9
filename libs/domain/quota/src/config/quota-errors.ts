import { DomainError, type ErrorKind } from '@ai-commons/core';
import type { ConfigIssue, ConfigIssueCode } from '@ai-commons/quota-allocator';

/** Every specific reason the quota module gives, with its GraphQL category. */
const KIND = {
  POOL_NOT_FOUND: 'not-found',
  POOL_NAME_TAKEN: 'conflict',
  INVALID_POOL_NAME: 'bad-input',
  INVALID_COST: 'bad-input',
  INVALID_DATE_RANGE: 'bad-input',
  UNKNOWN_ENDPOINT: 'bad-input',
  ENDPOINT_IN_OTHER_POOL: 'conflict',
  MEMBER_NOT_FOUND: 'not-found',
  INVALID_LIMIT_VALUE: 'bad-input',
  // The allocator's configuration issues (validatePoolConfig / deriveWeights), one code each.
  HEADROOM_OUT_OF_RANGE: 'bad-input',
  INVALID_CAPACITY: 'bad-input',
  INVALID_INSTITUTION_ID: 'bad-input',
  DUPLICATE_MEMBER: 'bad-input',
  UNKNOWN_MEMBER: 'bad-input',
  WEIGHT_OUT_OF_RANGE: 'bad-input',
  WEIGHTS_DO_NOT_SUM: 'bad-input',
  GUARANTEE_ABOVE_CAPACITY: 'bad-input',
  NEGATIVE_LIMIT: 'bad-input',
  INVALID_BUDGET: 'bad-input',
  HARD_CAP_BELOW_GUARANTEE: 'bad-input',
  NEGATIVE_CAPITAL: 'bad-input',
  OVERRIDES_EXCEED_ONE: 'bad-input',
  NO_CAPITAL_FOR_REMAINDER: 'bad-input',
} as const satisfies Record<string, ErrorKind> & Record<ConfigIssueCode, ErrorKind>;

export type QuotaErrorCode = keyof typeof KIND;

export class QuotaError extends DomainError {
  readonly module = 'quota';

  constructor(code: QuotaErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, KIND[code], details);
  }
}

/**
 * The allocator's issues as one QuotaError: the first issue's code is the reason, and `details.issues`
 * lists all of them (code, message, institutionId, dimension, field) so an admin sees every problem.
 */
export function quotaConfigError(issues: readonly ConfigIssue[]): QuotaError {
  const [first] = issues;
  return new QuotaError(first!.code, issues.map((issue) => issue.message).join('; '), {
    issues: issues.map((issue) => ({ ...issue })),
  });
}
