import { CLASSIFICATIONS, classificationRank } from '../classification';
import type { DecisionRecord } from '../decision';
import { HOSTINGS, NETWORK_ZONES } from '../endpoint';
import type { PolicyDocument } from './policy-document';
import { CEILING_RULE_ID, INVALID_REQUEST_RULE_ID, POLICY_DEFAULT_RULE_ID } from './reserved-rule-ids';
import { conditionMatches, requestFacts } from './request-facts';
import type { PolicyRequest } from './request';

const NO_FINDINGS = Object.freeze([]);

function denial(policy: PolicyDocument, ruleId: string, reason: string): DecisionRecord {
  return { decision: 'deny', ruleId, reason, policyVersion: policy.version, findings: NO_FINDINGS };
}

/** Values arriving from untyped callers that the rules cannot reason about; undefined when sound. */
export function invalidRequestReason(request: PolicyRequest): string | undefined {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) return 'the request is not an object';
  const { endpoint } = request;
  if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) return 'the request names no endpoint';
  if (classificationRank(request.classification) < 0) return `unknown classification; expected one of ${CLASSIFICATIONS.join(', ')}`;
  if (classificationRank(request.institutionCeiling) < 0) return 'the institution has no valid classification ceiling';
  if (!(HOSTINGS as readonly string[]).includes(endpoint.hosting)) return 'the endpoint has an unknown hosting type';
  if (!(NETWORK_ZONES as readonly string[]).includes(endpoint.networkZone)) return 'the endpoint has an unknown network zone';
  if (typeof endpoint.region !== 'string') return 'the endpoint has no region';
  return undefined;
}

/**
 * Decides whether a request's data may go to its endpoint. Malformed input and a classification
 * above the institution's ceiling are denied before any policy rule; then the first rule whose
 * condition holds decides, else the policy's default. Never throws on malformed requests.
 */
export function evaluatePolicy(policy: PolicyDocument, request: PolicyRequest, now: Date): DecisionRecord {
  const invalid = invalidRequestReason(request);
  if (invalid !== undefined) return denial(policy, INVALID_REQUEST_RULE_ID, invalid);
  if (classificationRank(request.classification) > classificationRank(request.institutionCeiling)) {
    return denial(policy, CEILING_RULE_ID, `classification '${request.classification}' is above the institution's ceiling '${request.institutionCeiling}'`);
  }
  const facts = requestFacts(policy, request, now);
  for (const rule of policy.rules) {
    if (conditionMatches(rule.when, facts)) {
      return { decision: rule.effect, ruleId: rule.id, reason: rule.reason, policyVersion: policy.version, findings: NO_FINDINGS };
    }
  }
  return {
    decision: policy.defaultEffect,
    ruleId: POLICY_DEFAULT_RULE_ID,
    reason: `no rule applies; the policy default is ${policy.defaultEffect}`,
    policyVersion: policy.version,
    findings: NO_FINDINGS,
  };
}
