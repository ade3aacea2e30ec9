import type { EnforcementMode, UseCaseState } from './use-case.model';

/** Ordered least → most sensitive (as `DATA_CLASSIFICATIONS` in tenancy; kept here so the check stays pure and allocation-free). */
const CLASSIFICATION_RANK: Readonly<Record<string, number>> = Object.freeze({ public: 0, internal: 1, confidential: 2, 'personal-credit': 3 });

/** What the gateway holds in memory for one use case: its serving approval only. */
export interface EnforcedUseCase {
  id: string;
  tenantId: string;
  state: UseCaseState;
  /** Endpoints of the serving (approved) version; empty before the first approval. */
  endpointIds: ReadonlySet<string>;
  dataClassificationCeiling: string;
  validUntil: Date | null;
}

export type UseCaseRefusalReason =
  'unbound' | 'unknown_use_case' | 'not_approved' | 'approval_expired' | 'endpoint_not_allowed' | 'classification_above_ceiling';

export type UseCaseVerdict = { allowed: true } | { allowed: false; reason: UseCaseRefusalReason; message: string };

const ALLOWED: UseCaseVerdict = Object.freeze({ allowed: true });

/**
 * Whether a request may be served under its use case: approved, within validity (checked at the
 * request's time, so an approval ending between two sweeps is already refused), the endpoint among
 * the approved version's endpoints, the data classification within its ceiling. Pure and
 * constant-time: it runs on every gateway request.
 */
export function checkUseCase(useCase: EnforcedUseCase | undefined, endpointId: string, classification: string | undefined, nowMs: number): UseCaseVerdict {
  if (!useCase) return { allowed: false, reason: 'unknown_use_case', message: 'The credential is bound to a use case the gateway does not know' };
  if (useCase.state !== 'approved') {
    return { allowed: false, reason: 'not_approved', message: `Use case ${useCase.id} is ${useCase.state}, not approved` };
  }
  if (useCase.validUntil === null || useCase.validUntil.getTime() <= nowMs) {
    return { allowed: false, reason: 'approval_expired', message: `The approval of use case ${useCase.id} has reached the end of its validity` };
  }
  if (!useCase.endpointIds.has(endpointId)) {
    return { allowed: false, reason: 'endpoint_not_allowed', message: `Use case ${useCase.id} is not approved for this model` };
  }
  const rank = CLASSIFICATION_RANK[classification ?? 'internal'];
  const ceiling = CLASSIFICATION_RANK[useCase.dataClassificationCeiling];
  // Unknown labels fail closed.
  if (rank === undefined || ceiling === undefined || rank > ceiling) {
    return {
      allowed: false,
      reason: 'classification_above_ceiling',
      message: `Data classified ${classification} is above the ceiling (${useCase.dataClassificationCeiling}) of use case ${useCase.id}`,
    };
  }
  return ALLOWED;
}

/** The decision record's compact form (audit `policyDecision`-style): `allow`, `deny:not_approved`, `report-only:endpoint_not_allowed`. */
export function enforcementOutcome(mode: EnforcementMode, verdict: UseCaseVerdict): string {
  if (verdict.allowed) return 'allow';
  return `${mode === 'enforce' ? 'deny' : 'report-only'}:${verdict.reason}`;
}
