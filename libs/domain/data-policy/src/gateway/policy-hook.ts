import { FLOOR_RULE_ID, decideRequest, isClassification, resolveClassification, type DecisionRecord, type GatewayRequest } from '@ai-commons/policy';
import { GatewayError, type AdmissionDecision, type AdmissionRequest, type RequestHooks } from '@ai-commons/gateway-admission';
import type { PolicySnapshot } from './policy-store';
import { forwardedTextsOf } from './forwarded-texts';

/** The header a caller labels its request's data with. */
export const DATA_CLASSIFICATION_HEADER = 'x-data-classification';

/** An institution's classification bounds, as the routing table holds them. */
export interface InstitutionClassificationBounds {
  dataClassificationFloor: string | null;
  dataClassificationCeiling: string;
}

/** A 403 in OpenAI's error shape, with the decision record (rule, reason, policy version) beside it. */
export class PolicyDeniedError extends GatewayError {
  constructor(readonly decision: DecisionRecord) {
    super(
      403,
      'permission_error',
      'data_policy_denied',
      `Denied by data-handling policy v${decision.policyVersion}, rule '${decision.ruleId}': ${decision.reason}`,
    );
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
 * The body with the masked texts in place of the originals: a copy, so the request as the caller
 * sent it stays as it was (its prompt HMAC is of that). Only masked requests pay for the copy; the
 * body's depth is bounded at the edge (GATEWAY_MAX_JSON_DEPTH).
 */
function maskedCopy(body: Readonly<Record<string, unknown>>, maskedParts: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(body) as Record<string, unknown>;
  // The walk is deterministic, so the copy's texts come in the order the original's were scanned.
  forwardedTextsOf(copy).forEach((part, index) => {
    if (maskedParts[index] !== part.text) part.write(maskedParts[index]);
  });
  return copy;
}

/**
 * The data-handling policy at the gateway's admission seam (first in the chain): resolves the
 * request's classification (header, else the API key's default), decides with the policy in memory
 * and the endpoint's hosting facts, scans every text of the request body for personal data, and
 * decides: allow, mask (with the masked copy of the body, what goes upstream) or refuse (403 with
 * the rule; 400 for a classification it does not know). The classification and the compact
 * decision ride as labels to the audit hook; a refusal carries its record, written by the gateway.
 */
export class PolicyHook implements RequestHooks {
  constructor(
    private readonly snapshot: () => PolicySnapshot,
    /** The institution's classification bounds (the routing table's entry; undefined when unknown). */
    private readonly institution: (tenantId: string) => InstitutionClassificationBounds | undefined,
    private readonly now: () => Date = () => new Date(),
    /** Told every decision (the gateway's metrics): rule, action and findings, never the request's text. */
    private readonly observe?: (decision: Pick<DecisionRecord, 'ruleId' | 'decision' | 'findings'>) => void,
  ) {}

  decide(request: AdmissionRequest): AdmissionDecision {
    const apiKey = request.caller.apiKey;
    const institution = this.institution(request.caller.tenantId);
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
        decision: 'deny',
        ruleId: FLOOR_RULE_ID,
        reason: resolution.reason,
        policyVersion: this.snapshot().policy.version,
        findings: [],
      };
      this.observe?.(decision);
      return refuse(new PolicyDeniedError(decision), resolution.requested, compactDecision(decision), {
        code: 'data_policy_denied',
        classificationSource: 'header',
        floor: resolution.floor,
        floorSource: resolution.floorSource,
        decision,
      });
    }
    if (!resolution.ok) {
      const error = new GatewayError(
        400,
        'invalid_request_error',
        'unknown_data_classification',
        `x-data-classification: ${resolution.reason}`,
        DATA_CLASSIFICATION_HEADER,
      );
      this.observe?.({ ruleId: 'unknown-classification', decision: 'deny', findings: [] });
      return refuse(error, null, 'deny:unknown-classification', { code: 'unknown_data_classification', reason: resolution.reason });
    }
    const { policy, piiSettings } = this.snapshot();
    const ceiling = institution?.dataClassificationCeiling;
    const endpoint = request.endpoint;
    const gatewayRequest: GatewayRequest = {
      classification: resolution.classification,
      // An institution missing from the table gets the lowest ceiling: fail closed.
      institutionCeiling: isClassification(ceiling) ? ceiling : 'public',
      endpoint: {
        hosting: endpoint.hosting,
        region: endpoint.region,
        networkZone: endpoint.networkZone,
        authorityConfirmation: endpoint.authorityConfirmationExpiresAt
          ? { reference: 'on-file', expiresAt: endpoint.authorityConfirmationExpiresAt }
          : undefined,
      },
      institutionPiiSettings: piiSettings.get(request.caller.tenantId),
    };
    // Everything the upstream receives is scanned, not only the messages' content.
    const parts = forwardedTextsOf(request.body as Record<string, unknown>);
    const { decision, maskedPromptParts } = decideRequest(
      policy,
      gatewayRequest,
      parts.map((part) => part.text),
      this.now(),
    );
    this.observe?.(decision);
    const labels = { dataClassification: resolution.classification, policyDecision: compactDecision(decision) };
    if (decision.decision === 'deny') {
      return refuse(new PolicyDeniedError(decision), resolution.classification, labels.policyDecision, {
        code: 'data_policy_denied',
        classificationSource: resolution.source,
        decision,
      });
    }
    if (maskedPromptParts && maskedPromptParts.some((masked, index) => masked !== parts[index].text)) {
      return { decision: 'mask', body: maskedCopy(request.body, maskedPromptParts), labels };
    }
    return { decision: 'allow', labels };
  }
}

function refuse(error: GatewayError, dataClassification: string | null, policyDecision: string, details: Record<string, unknown>): AdmissionDecision {
  return { decision: 'refuse', refusal: { error, record: { dataClassification, policyDecision, details } } };
}
