import type { Dimension } from '../dimensions';

/** Machine-readable reasons a pool configuration or weight derivation was rejected. */
export type ConfigIssueCode =
  | 'HEADROOM_OUT_OF_RANGE'
  | 'INVALID_CAPACITY'
  | 'INVALID_INSTITUTION_ID'
  | 'DUPLICATE_MEMBER'
  | 'UNKNOWN_MEMBER'
  | 'WEIGHT_OUT_OF_RANGE'
  | 'WEIGHTS_DO_NOT_SUM'
  | 'GUARANTEE_ABOVE_CAPACITY'
  | 'NEGATIVE_LIMIT'
  | 'INVALID_BUDGET'
  | 'HARD_CAP_BELOW_GUARANTEE'
  | 'NEGATIVE_CAPITAL'
  | 'OVERRIDES_EXCEED_ONE'
  | 'NO_CAPITAL_FOR_REMAINDER';

export interface ConfigIssue {
  readonly code: ConfigIssueCode;
  readonly message: string;
  readonly institutionId?: string;
  readonly dimension?: Dimension;
  /** The offending field, e.g. `hardCap`, `weight`, `capacity`. */
  readonly field?: string;
}

/** Thrown where a function cannot return issues (weight derivation, building an admission policy). */
export class QuotaConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => `${issue.code}: ${issue.message}`).join('; '));
    this.name = 'QuotaConfigError';
  }
}

export function isQuotaConfigError(error: unknown): error is QuotaConfigError {
  return error instanceof QuotaConfigError;
}
