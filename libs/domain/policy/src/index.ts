export {
  CLASSIFICATIONS,
  classificationRank,
  higherClassification,
  isClassification,
  resolveClassification,
  TOKEN_DEFAULT_CLASSIFICATION,
} from './classification';
export type { Classification, ClassificationResolution, ClassificationSource } from './classification';
export { CONFIRMATION_STATUSES, HOSTINGS, NETWORK_ZONES, REGION_SCOPES, confirmationStatus, isHosting, isNetworkZone, regionScope } from './endpoint';
export type { AuthorityConfirmation, ConfirmationStatus, EndpointFacts, Hosting, NetworkZone, RegionScope } from './endpoint';
export type { DecisionOutcome, DecisionRecord } from './decision';

export { PII_DETECTORS, PII_MODES, effectivePiiSettings } from './pii/pii-settings';
export type { InstitutionPiiSettings, PiiDetector, PiiMinimumModes, PiiMode, PiiScanSettings } from './pii/pii-settings';
export { scanPrompt } from './pii/scan-prompt';
export type { PiiFindingCount, PromptScan } from './pii/scan-prompt';
export { isValidRrn } from './pii/rrn';
export { hasKnownIin, passesLuhn } from './pii/card';

export { POLICY_SCHEMA_VERSION } from './rules/policy-document';
export type { PolicyDocument, PolicyRule, RuleCondition, RuleEffect } from './rules/policy-document';
export type { GatewayRequest, PolicyRequest } from './rules/request';
export type { RequestFacts } from './rules/request-facts';
export {
  CEILING_RULE_ID,
  FLOOR_RULE_ID,
  INVALID_REQUEST_RULE_ID,
  PII_BLOCK_RULE_ID,
  PII_MASK_RULE_ID,
  POLICY_DEFAULT_RULE_ID,
  isReservedRuleId,
} from './rules/reserved-rule-ids';
export { DEFAULT_POLICY } from './rules/default-policy';
export { evaluatePolicy } from './rules/evaluate-policy';
export { decideRequest, piiSettingsFor } from './rules/decide-request';
export type { RequestDecision } from './rules/decide-request';
export { previewPolicy } from './rules/preview-policy';
export type { PolicyPreview, RuleTraceEntry } from './rules/preview-policy';

export { POLICY_VALIDATION_CODES } from './validation/validation-error';
export type { PolicyValidationCode, PolicyValidationError } from './validation/validation-error';
export { MAX_RULES, validatePolicyDocument } from './validation/validate-policy-document';
export type { PolicyDocumentValidation } from './validation/validate-policy-document';
export { validateInstitutionPiiSettings } from './validation/validate-pii-settings';
export type { InstitutionPiiSettingsValidation } from './validation/validate-pii-settings';
export { validatePolicySuccession } from './validation/policy-succession';
