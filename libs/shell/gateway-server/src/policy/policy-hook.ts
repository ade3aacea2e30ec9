import { randomUUID } from 'node:crypto';
import { RequestContext } from '@ai-commons/core';
import { actorOf, type AuditEventInput } from '@ai-commons/audit';
import {
  FLOOR_RULE_ID,
  decideRequest,
  isClassification,
  resolveClassification,
  type DecisionRecord,
  type GatewayRequest,
} from '@ai-commons/policy';
import { GatewayError } from '../http/openai-error';
import type { AdmissionRequest, RequestHooks } from '../pipeline/request-hooks';
import type { RoutingTable } from '../routing/routing-table';
import type { PolicySnapshot } from './policy-store';
import { forwardedTextsOf } from './forwarded-texts';

/** The header a caller labels its request's data with. */
export const DATA_CLASSIFICATION_HEADER = 'x-data-classification';

/** Refusal codes whose audit record the policy hook writes itself (with the full decision). */
export const POLICY_REFUSAL_CODES: ReadonlySet<string> = new Set(['data_policy_denied', 'unknown_data_classification']);

/** What the policy hook adds to the admission request, for the hooks after it (audit, quota). */
export interface PolicyAdmissionFields {
  dataClassificationHeader?: string;
  dataClassification?: string;
  policyDecision?: string;
  policyRecord?: DecisionRecord;
}

export interface DecisionAuditWriter {
  appendDurable(event: AuditEventInput): Promise<void>;
}

/** A 403 in OpenAI's error shape, with the decision record (rule, reason, policy version) beside it. */
export class PolicyDeniedError extends GatewayError {
  constructor(readonly decision: DecisionRecord) {
    super(403, 'permission_error', 'data_policy_denied', `Denied by data-handling policy v${decision.policyVersion}, rule '${decision.ruleId}': ${decision.reason}`);
  }

  override body(): string {
    return JSON.stringify({ error: { message: this.message, type: this.type, param: this.param, code: this.code, policy: this.decision } });
  }
}

/**
 * The audit column's compact form: `allow` (a plain allow, the column's established value),
 * `mask:pii.mask@v3 rrn×1,card×2`, `deny:personal-credit-domestic-only@v1`.
 */
export function compactDecision(decision: DecisionRecord): string {
  if (decision.decision === 'allow' && decision.findings.length === 0) return 'allow';
  const findings = decision.findings.map(({ detector, count }) => `${detector}×${count}`).join(',');
  return `${decision.decision}:${decision.ruleId}@v${decision.policyVersion}${findings ? ` ${findings}` : ''}`;
}

/**
 * The data-handling policy at the gateway's admission seam (first in the chain): resolves the
 * request's classification (header, else the API key's default), decides with the policy in memory
 * and the endpoint's hosting facts, scans every text of the request body for personal data, masks
 * it in the body (what goes upstream) or refuses with 403 and the rule. Allowed and masked decisions ride on
 * the admission request into the audit hook's admission record; denials are recorded here, durably,
 * before the caller hears the 403.
 */
export class PolicyHook implements RequestHooks {
  constructor(
    private readonly snapshot: () => PolicySnapshot,
    private readonly table: () => RoutingTable,
    private readonly audit: DecisionAuditWriter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async admit(admission: AdmissionRequest): Promise<{ complete: () => void }> {
    const request = admission as AdmissionRequest & PolicyAdmissionFields;
    const apiKey = request.caller.apiKey;
    const institution = this.table().institution(request.caller.tenantId);
    const floor = institution?.dataClassificationFloor;
    const resolution = resolveClassification({
      header: request.dataClassificationHeader,
      // A key whose stored default is unreadable gets the highest: fail closed.
      apiKeyDefault: apiKey ? (isClassification(apiKey.defaultClassification) ? apiKey.defaultClassification : 'personal-credit') : undefined,
      institutionFloor: isClassification(floor) ? floor : null,
    });
    if (!resolution.ok && resolution.code === 'BELOW_FLOOR') {
      // Lowering the label is a policy denial (403 with the decision record), audited like any other.
      const decision: DecisionRecord = {
        decision: 'deny', ruleId: FLOOR_RULE_ID, reason: resolution.reason, policyVersion: this.snapshot().policy.version, findings: [],
      };
      const policyDecision = compactDecision(decision);
      Object.assign(request, { dataClassification: resolution.requested, policyDecision, policyRecord: decision });
      await this.recordDenial(request, resolution.requested, policyDecision, {
        code: 'data_policy_denied', classificationSource: 'header', floor: resolution.floor, floorSource: resolution.floorSource, decision,
      });
      throw new PolicyDeniedError(decision);
    }
    if (!resolution.ok) {
      await this.recordDenial(request, null, `deny:unknown-classification`, { code: 'unknown_data_classification', reason: resolution.reason });
      throw new GatewayError(400, 'invalid_request_error', 'unknown_data_classification', `x-data-classification: ${resolution.reason}`, DATA_CLASSIFICATION_HEADER);
    }
    const { policy, piiSettings } = this.snapshot();
    const ceiling = institution?.dataClassificationCeiling;
    const endpoint = request.endpoint;
    const gatewayRequest: GatewayRequest = {
      classification: resolution.classification,
      // An institution missing from the table gets the lowest ceiling: fail closed.
      institutionCeiling: isClassification(ceiling) ? ceiling : 'public',
      endpoint: {
        hosting: endpoint.hosting as GatewayRequest['endpoint']['hosting'],
        region: endpoint.region,
        networkZone: endpoint.networkZone as GatewayRequest['endpoint']['networkZone'],
        authorityConfirmation: endpoint.authorityConfirmationExpiresAt
          ? { reference: 'on-file', expiresAt: endpoint.authorityConfirmationExpiresAt }
          : undefined,
      },
      institutionPiiSettings: piiSettings.get(request.caller.tenantId),
    };
    // Everything the upstream receives is scanned, not only the messages' content.
    const parts = forwardedTextsOf(request.body);
    const { decision, maskedPromptParts } = decideRequest(policy, gatewayRequest, parts.map((part) => part.text), this.now());
    request.dataClassification = resolution.classification;
    request.policyDecision = compactDecision(decision);
    request.policyRecord = decision;
    if (decision.decision === 'deny') {
      await this.recordDenial(request, resolution.classification, request.policyDecision, {
        code: 'data_policy_denied',
        classificationSource: resolution.source,
        decision,
      });
      throw new PolicyDeniedError(decision);
    }
    if (maskedPromptParts) {
      maskedPromptParts.forEach((masked, index) => {
        if (masked !== parts[index].text) parts[index].write(masked);
      });
    }
    return { complete: () => undefined };
  }

  /** The refusal's audit record, durable before the caller is answered (an audit outage still denies). */
  private async recordDenial(
    request: AdmissionRequest,
    classification: string | null,
    policyDecision: string,
    details: Record<string, unknown>,
  ): Promise<void> {
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
      dataClassification: classification,
      httpStatus: details['code'] === 'data_policy_denied' ? 403 : 400,
      policyDecision,
      // The use case, when the use-case binding hook ran before (it is first in the chain).
      details: { operation: request.operation, ...details, ...('useCaseId' in request ? { useCaseId: (request as { useCaseId?: string | null }).useCaseId ?? null } : {}) },
    };
    await this.audit.appendDurable(event).catch(() => undefined);
  }
}
