import { checkUseCase, enforcementOutcome, type UseCaseVerdict } from '../use-case-enforcement';
import type { EnforcementMode } from '../use-case.model';
import { GatewayError, type AdmissionDecision, type AdmissionRequest, type AdmissionSoFar, type RequestHooks } from '@ai-commons/gateway-admission';
import { clientKey, type UseCaseSnapshot } from './use-case-store';

export const USE_CASE_REFUSAL_CODE = 'use_case_not_approved';

/** 403 in OpenAI's error shape, with the use case's id, state and the reason beside it. */
export class UseCaseNotApprovedError extends GatewayError {
  constructor(
    readonly useCase: { id: string | null; state: string | null; reason: string },
    message: string,
  ) {
    super(403, 'permission_error', USE_CASE_REFUSAL_CODE, message);
  }

  override body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code, use_case: this.useCase } });
  }
}

/** The use case a caller's credential is bound to: the API key's, else its token client's (per institution). */
export function boundUseCaseId(snapshot: UseCaseSnapshot, request: AdmissionRequest): string | null {
  const key = request.caller.apiKey;
  if (key) return snapshot.apiKeyUseCases.get(key.id) ?? null;
  return snapshot.clientUseCases.get(clientKey(request.caller.tenantId, request.caller.principal.clientId)) ?? null;
}

/**
 * Enforces the use-case register at the admission seam, after the data-policy hook (whose labels
 * carry the request's data classification). In `enforce` mode an unapproved, expired, unbound or
 * out-of-scope request is refused with `403 use_case_not_approved` and a decision record (the
 * gateway audits it, durably, before answering); in `report-only` mode it is allowed and the
 * `useCase` label says what enforcement would have done (the admission record keeps it).
 * Everything is read from memory: a few Map lookups per request.
 */
export class UseCaseHook implements RequestHooks {
  constructor(
    private readonly snapshot: () => UseCaseSnapshot,
    private readonly now: () => number = Date.now,
  ) {}

  decide(request: AdmissionRequest, soFar: AdmissionSoFar): AdmissionDecision {
    const snapshot = this.snapshot();
    const useCaseId = boundUseCaseId(snapshot, request);
    const mode: EnforcementMode = snapshot.modes.get(request.caller.tenantId) ?? 'enforce';
    const useCase = useCaseId === null ? undefined : snapshot.useCases.get(useCaseId);
    // A use case of another institution is never honoured (bindings are per institution; belt and braces).
    const own = useCase && useCase.tenantId === request.caller.tenantId ? useCase : undefined;
    const classification = soFar.labels?.dataClassification;
    const verdict: UseCaseVerdict =
      useCaseId === null
        ? { allowed: false, reason: 'unbound', message: 'The credential is not bound to a use case' }
        : checkUseCase(own, request.endpoint.id, classification, this.now());
    const decision = enforcementOutcome(mode, verdict);
    if (verdict.allowed || mode === 'report-only') return { decision: 'allow', useCase: { id: useCaseId, decision } };

    const refused = { id: useCaseId, state: own?.state ?? null, reason: verdict.reason };
    return {
      decision: 'refuse',
      refusal: {
        error: new UseCaseNotApprovedError(refused, `${verdict.message}; the request was not served.`),
        record: {
          dataClassification: classification ?? null,
          policyDecision: `deny:${USE_CASE_REFUSAL_CODE}`,
          details: { code: USE_CASE_REFUSAL_CODE, useCaseId: refused.id, useCaseState: refused.state, useCaseReason: refused.reason },
        },
      },
    };
  }

  /** `{ useCaseId }` of a refused request, for its refusal record (refused earlier in the chain, e.g. by the data policy). */
  refusalDetails(request: AdmissionRequest | undefined): Record<string, unknown> {
    return request ? { useCaseId: boundUseCaseId(this.snapshot(), request) } : {};
  }
}
