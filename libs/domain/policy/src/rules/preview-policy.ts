import { classificationRank } from '../classification';
import type { DecisionRecord } from '../decision';
import type { PiiScanSettings } from '../pii/pii-settings';
import { scanPrompt, type PromptScan } from '../pii/scan-prompt';
import { decideRequest, piiSettingsFor } from './decide-request';
import { evaluatePolicy, invalidRequestReason } from './evaluate-policy';
import type { PolicyDocument, RuleEffect } from './policy-document';
import { conditionMatches, requestFacts, type RequestFacts } from './request-facts';
import type { GatewayRequest } from './request';

export interface RuleTraceEntry {
  readonly ruleId: string;
  readonly effect: RuleEffect;
  /** Whether the rule's condition holds for the sample, whether or not an earlier rule decided first. */
  readonly matches: boolean;
  /** The rule that decided where the data may go (none when a built-in check or the default decided). */
  readonly decides: boolean;
}

/** What an admin sees when trying a draft policy on a sample request and prompt. */
export interface PolicyPreview {
  /** Exactly the record the gateway would write for this request. */
  readonly decision: DecisionRecord;
  /** Null when the sample is malformed (then the decision is `request-invalid` and no rule matches). */
  readonly facts: (RequestFacts & { readonly aboveCeiling: boolean }) | null;
  readonly trace: readonly RuleTraceEntry[];
  readonly piiSettings: PiiScanSettings;
  /** The sample prompt scanned even when the policy denies, so the PII settings can be tried regardless. */
  readonly promptScan: PromptScan;
}

/**
 * Runs a policy against a sample without side effects. Pass documents through
 * validatePolicyDocument first; the preview assumes a valid one.
 */
export function previewPolicy(policy: PolicyDocument, sampleRequest: GatewayRequest, samplePrompt: string, now: Date): PolicyPreview {
  const { decision } = decideRequest(policy, sampleRequest, [samplePrompt], now);
  const facts = invalidRequestReason(sampleRequest) === undefined ? requestFacts(policy, sampleRequest, now) : null;
  const trace = policy.rules.map((rule) => ({ ruleId: rule.id, effect: rule.effect, matches: facts !== null && conditionMatches(rule.when, facts) }));
  // Rule ids are unique; a built-in decision (ceiling, default, invalid request) names no rule.
  const decidingIndex = policy.rules.findIndex((rule) => rule.id === evaluatePolicy(policy, sampleRequest, now).ruleId);
  const piiSettings = piiSettingsFor(policy, sampleRequest);
  return {
    decision,
    facts: facts && {
      ...facts,
      aboveCeiling: classificationRank(sampleRequest.classification) > classificationRank(sampleRequest.institutionCeiling),
    },
    trace: trace.map((entry, index) => ({ ...entry, decides: index === decidingIndex })),
    piiSettings,
    promptScan: scanPrompt(samplePrompt, piiSettings),
  };
}
