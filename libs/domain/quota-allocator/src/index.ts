export { DIMENSIONS, type Dimension, type PerDimension } from './dimensions';

export type { DimensionLimits, MemberDemand, MemberQuotaConfig, PoolCapacity, PoolConfig } from './config/pool-config';
export { type ConfigIssue, type ConfigIssueCode, isQuotaConfigError, QuotaConfigError } from './config/config-issues';
export { deriveWeights, type InstitutionInvestment } from './config/derive-weights';
export { validatePoolConfig, type ValidatePoolConfigOptions, WEIGHT_SUM_TOLERANCE } from './config/validate-pool-config';
export { guaranteedShares, guaranteeOf } from './config/guaranteed-shares';
export { type ResolvedMember, resolveMember } from './config/resolved-member';

export { allocate } from './allocation/allocate';
export type { DimensionAllocation, MemberAllocation } from './allocation/allocation-types';

export { type AdmissionOptions, type AdmissionPolicy, buildAdmissionPolicy, WINDOW_MS } from './admission/admission-policy';
export type {
  AdmissionDecision,
  AdmissionRefusal,
  AdmissionRequest,
  AdmissionStep,
  LimitBound,
  LimitDescription,
  RefusalReason,
  Reservation,
  ReservationRef,
} from './admission/admission-types';
export {
  createLimiterState,
  type LimiterState,
  type MemberLimiterState,
  type OpenReservation,
  type TokenLedger,
  type UsageCounters,
} from './admission/limiter-state';
export type { WindowRing } from './admission/window-ring';
export { admit } from './admission/admit';
export { reconcile, release, type Settlement } from './admission/settle';
export { expireLeases } from './admission/expire-leases';
export { memberSignals, memberUsage, poolUsage } from './admission/usage';
export { BORROW_DISCLOSURE_STEPS, disclosedBorrowing, rateLimitStanding, type RateLimitFigure, type RateLimitStanding } from './admission/rate-limit-standing';
export { type BudgetPeriod, budgetPeriodAt } from './admission/budget-period';
