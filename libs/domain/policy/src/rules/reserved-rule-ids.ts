// Rule ids the engine itself decides with; a policy document may not reuse them, so an audit
// record's ruleId always says unambiguously whether a built-in check or a policy rule decided.

export const CEILING_RULE_ID = 'classification-above-ceiling';
export const FLOOR_RULE_ID = 'classification-below-floor';
export const INVALID_REQUEST_RULE_ID = 'request-invalid';
export const POLICY_DEFAULT_RULE_ID = 'policy-default';
export const PII_BLOCK_RULE_ID = 'pii.block';
export const PII_MASK_RULE_ID = 'pii.mask';

const RESERVED_IDS = new Set([CEILING_RULE_ID, FLOOR_RULE_ID, INVALID_REQUEST_RULE_ID, POLICY_DEFAULT_RULE_ID]);
const RESERVED_PREFIX = 'pii.';

export function isReservedRuleId(id: string): boolean {
  return RESERVED_IDS.has(id) || id.startsWith(RESERVED_PREFIX);
}
