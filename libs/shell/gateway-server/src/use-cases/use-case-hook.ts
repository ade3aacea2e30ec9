import { randomUUID } from 'node:crypto';
import { RequestContext } from '@ai-commons/core';
import { actorOf, type AuditEventInput } from '@ai-commons/audit';
import { checkUseCase, enforcementOutcome, type EnforcementMode, type UseCaseVerdict } from '@ai-commons/use-cases';
import { GatewayError } from '../http/openai-error';
import type { AdmissionRequest, RequestHooks } from '../pipeline/request-hooks';
import type { PolicyAdmissionFields } from '../policy/policy-hook';
import { clientKey, type UseCaseSnapshot } from './use-case-store';

export const USE_CASE_REFUSAL_CODE = 'use_case_not_approved';

/** What the use-case hook adds to the admission request (the audit record and the usage record read it). */
export interface UseCaseAdmissionFields {
  /** The use case the credential is bound to (null: bound to none). */
  useCaseId?: string | null;
  /** `allow`, `deny:<reason>` or `report-only:<reason>`: what enforcement decided or would have. */
  useCaseDecision?: string;
}

export interface UseCaseDecisionAuditWriter {
  appendDurable(event: AuditEventInput): Promise<void>;
}

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

/** The use case a caller's credential is bound to: the API key's, else its token client's. */
export function boundUseCaseId(snapshot: UseCaseSnapshot, request: AdmissionRequest): string | null {
  const key = request.caller.apiKey;
  if (key) return snapshot.apiKeyUseCases.get(key.id) ?? null;
  return snapshot.clientUseCases.get(clientKey(request.caller.tenantId, request.caller.principal.clientId)) ?? null;
}

/**
 * Enforces the use-case register at the admission seam, after the data-policy hook (which resolves
 * the request's data classification). In `enforce` mode an unapproved, expired, unbound or
 * out-of-scope request is refused with `403 use_case_not_approved`, its audit record durable
 * before the caller hears it; in `report-only` mode it is served and the admission record says what
 * enforcement would have done. Everything is read from memory: a few Map lookups per request.
 */
export class UseCaseHook implements RequestHooks {
  /** The use case of each request in flight, by its context, for refusal records written elsewhere (quota). */
  private readonly boundByContext = new WeakMap<object, string | null>();

  constructor(
    private readonly snapshot: () => UseCaseSnapshot,
    private readonly audit: UseCaseDecisionAuditWriter,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * First in the chain: names the request's use case (no decision yet), so every audit record of
   * the request — a data-policy denial, a quota refusal — carries it.
   */
  readonly binding: RequestHooks = {
    admit: async (admission) => {
      const request = admission as AdmissionRequest & UseCaseAdmissionFields;
      request.useCaseId = boundUseCaseId(this.snapshot(), request);
      const context = RequestContext.current();
      if (context) this.boundByContext.set(context, request.useCaseId);
      return { complete: () => undefined };
    },
  };

  /** `{ useCaseId }` of the current request once bound, for its refusal record; `{}` before. */
  refusalDetails(): Record<string, unknown> {
    const context = RequestContext.current();
    return context && this.boundByContext.has(context) ? { useCaseId: this.boundByContext.get(context) ?? null } : {};
  }

  async admit(admission: AdmissionRequest): Promise<{ complete: () => void }> {
    const request = admission as AdmissionRequest & PolicyAdmissionFields & UseCaseAdmissionFields;
    const snapshot = this.snapshot();
    const useCaseId = request.useCaseId !== undefined ? request.useCaseId : boundUseCaseId(snapshot, request);
    const mode: EnforcementMode = snapshot.modes.get(request.caller.tenantId) ?? 'enforce';
    const useCase = useCaseId === null ? undefined : snapshot.useCases.get(useCaseId);
    // A use case of another institution is never honoured (bindings are per institution; belt and braces).
    const own = useCase && useCase.tenantId === request.caller.tenantId ? useCase : undefined;
    const verdict: UseCaseVerdict =
      useCaseId === null
        ? { allowed: false, reason: 'unbound', message: 'The credential is not bound to a use case' }
        : checkUseCase(own, request.endpoint.id, request.dataClassification, this.now());
    request.useCaseId = useCaseId;
    request.useCaseDecision = enforcementOutcome(mode, verdict);
    if (verdict.allowed || mode === 'report-only') return { complete: () => undefined };

    const refusal = { id: useCaseId, state: own?.state ?? null, reason: verdict.reason };
    await this.recordDenial(request, refusal);
    throw new UseCaseNotApprovedError(refusal, `${verdict.message}; the request was not served.`);
  }

  private async recordDenial(request: AdmissionRequest & PolicyAdmissionFields & UseCaseAdmissionFields, refusal: { id: string | null; state: string | null; reason: string }): Promise<void> {
    const context = RequestContext.current();
    const event: AuditEventInput = {
      id: randomUUID(),
      occurredAt: new Date(),
      tenantId: request.caller.tenantId,
      requestId: request.requestId,
      actor: actorOf(request.caller.principal, context?.sourceAddress),
      action: 'gateway.request.rejected',
      resourceType: 'endpoint',
      resourceId: request.endpoint.id,
      outcome: 'denied',
      endpoint: request.endpoint.name,
      model: request.endpoint.upstreamModel,
      dataClassification: request.dataClassification ?? null,
      httpStatus: 403,
      policyDecision: `deny:${USE_CASE_REFUSAL_CODE}`,
      details: { operation: request.operation, code: USE_CASE_REFUSAL_CODE, useCaseId: refusal.id, useCaseState: refusal.state, useCaseReason: refusal.reason },
    };
    // An audit outage still refuses (the request is denied either way).
    await this.audit.appendDurable(event).catch(() => undefined);
  }
}
