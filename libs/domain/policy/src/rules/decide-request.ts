import type { DecisionRecord } from '../decision';
import { effectivePiiSettings, type PiiDetector, type PiiScanSettings } from '../pii/pii-settings';
import { scanPrompt, type PiiFindingCount } from '../pii/scan-prompt';
import { evaluatePolicy } from './evaluate-policy';
import type { PolicyDocument } from './policy-document';
import { PII_BLOCK_RULE_ID, PII_MASK_RULE_ID } from './reserved-rule-ids';
import type { GatewayRequest } from './request';

export interface RequestDecision {
  readonly decision: DecisionRecord;
  /**
   * With decision `mask`: the prompt parts to forward instead of the originals, index for index.
   * With `allow` the originals are forwarded; with `deny` nothing is.
   */
  readonly maskedPromptParts?: readonly string[];
}

/** The settings a request's prompt is scanned with under this policy. */
export function piiSettingsFor(policy: PolicyDocument, request: GatewayRequest): PiiScanSettings {
  return effectivePiiSettings(policy.pii.defaults, policy.pii.minimumModes, request?.institutionPiiSettings);
}

function mergeFindings(scans: readonly (readonly PiiFindingCount[])[]): PiiFindingCount[] {
  const totals = new Map<PiiDetector, number>();
  for (const findings of scans) for (const { detector, count } of findings) totals.set(detector, (totals.get(detector) ?? 0) + count);
  return [...totals].map(([detector, count]) => ({ detector, count }));
}

function describe(findings: readonly PiiFindingCount[], settings: PiiScanSettings, mode: 'mask' | 'block'): string {
  return findings
    .filter(({ detector }) => settings[detector].mode === mode)
    .map(({ detector, count }) => `${detector} ×${count}`)
    .join(', ');
}

/**
 * The gateway's per-request call: the data-handling policy first (a denied request is not
 * scanned), then the prompt's PII under the institution's settings. `promptParts` are the texts
 * the model will see (e.g. each chat message's content); a number split across parts is not seen.
 */
export function decideRequest(policy: PolicyDocument, request: GatewayRequest, promptParts: readonly string[], now: Date): RequestDecision {
  const routing = evaluatePolicy(policy, request, now);
  if (routing.decision === 'deny') return { decision: routing };

  const settings = piiSettingsFor(policy, request);
  const scans = promptParts.map((part) => scanPrompt(part, settings));
  const findings = mergeFindings(scans.map((scan) => scan.findings));
  if (scans.some((scan) => scan.blocked)) {
    return {
      decision: {
        decision: 'deny',
        ruleId: PII_BLOCK_RULE_ID,
        policyVersion: policy.version,
        findings,
        reason: `the prompt contains personal data the institution blocks: ${describe(findings, settings, 'block')}`,
      },
    };
  }
  if (scans.some((scan) => scan.maskedText !== undefined)) {
    return {
      decision: {
        decision: 'mask',
        ruleId: PII_MASK_RULE_ID,
        policyVersion: policy.version,
        findings,
        reason: `allowed by '${routing.ruleId}'; personal data masked: ${describe(findings, settings, 'mask')}`,
      },
      maskedPromptParts: scans.map((scan, index) => scan.maskedText ?? promptParts[index]),
    };
  }
  return { decision: { ...routing, findings } };
}
