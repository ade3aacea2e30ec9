import { CLASSIFICATIONS } from '../classification';
import { deepFreeze } from '../deep-freeze';
import { CONFIRMATION_STATUSES, HOSTINGS, NETWORK_ZONES, REGION_SCOPES } from '../endpoint';
import { PII_DETECTORS, piiModeRank } from '../pii/pii-settings';
import { POLICY_SCHEMA_VERSION, type PolicyDocument, type PolicyRule, type RuleCondition, type RuleEffect } from '../rules/policy-document';
import { isReservedRuleId } from '../rules/reserved-rule-ids';
import { readEnum, readEnumList, readObject, readText } from './json-readers';
import { findUnreachableRules } from './rule-shadowing';
import { readMinimumModes, readPiiScanSettings } from './validate-pii-settings';
import { ValidationIssues, pointer, type PolicyValidationError } from './validation-error';

export const MAX_RULES = 200;
const MAX_REASON_LENGTH = 300;
const MAX_DESCRIPTION_LENGTH = 1000;
const IDENTIFIER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const COUNTRY_CODE = /^[A-Z]{2}$/;
const EFFECTS: readonly RuleEffect[] = ['allow', 'deny'];

export type PolicyDocumentValidation =
  { readonly ok: true; readonly policy: PolicyDocument } | { readonly ok: false; readonly errors: readonly PolicyValidationError[] };

function readIdentifier(value: unknown, path: string, issues: ValidationIssues, code: 'INVALID_POLICY_ID' | 'INVALID_RULE_ID'): string | undefined {
  if (typeof value === 'string' && IDENTIFIER.test(value)) return value;
  issues.add(code, path, 'expected 1–64 characters of lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');
  return undefined;
}

function readCondition(value: unknown, path: string, issues: ValidationIssues): RuleCondition | undefined {
  const dimensions = {
    classification: CLASSIFICATIONS,
    hosting: HOSTINGS,
    regionScope: REGION_SCOPES,
    networkZone: NETWORK_ZONES,
    confirmation: CONFIRMATION_STATUSES,
  };
  const object = readObject(value, path, issues, { required: [], optional: Object.keys(dimensions) });
  if (object === undefined) return undefined;
  const before = issues.count;
  const condition: { -readonly [K in keyof RuleCondition]: RuleCondition[K] } = {};
  for (const [key, allowed] of Object.entries(dimensions) as [keyof RuleCondition, readonly string[]][]) {
    if (object[key] === undefined) continue;
    const values = readEnumList(object[key], pointer(path, key), allowed, issues);
    // The reader has checked each value against this dimension's own list.
    if (values !== undefined) (condition as Record<string, readonly string[]>)[key] = values;
  }
  return issues.count === before ? condition : undefined;
}

function readRule(value: unknown, path: string, issues: ValidationIssues): PolicyRule | undefined {
  const object = readObject(value, path, issues, { required: ['id', 'effect', 'when', 'reason'] });
  if (object === undefined) return undefined;
  const before = issues.count;
  const id = readIdentifier(object['id'], pointer(path, 'id'), issues, 'INVALID_RULE_ID');
  if (id !== undefined && isReservedRuleId(id)) {
    issues.add('RESERVED_RULE_ID', pointer(path, 'id'), `'${id}' is reserved for the engine's own decisions`);
  }
  const effect = object['effect'] === undefined ? undefined : readEnum(object['effect'], pointer(path, 'effect'), EFFECTS, issues);
  const when = object['when'] === undefined ? undefined : readCondition(object['when'], pointer(path, 'when'), issues);
  const reason = object['reason'] === undefined ? undefined : readText(object['reason'], pointer(path, 'reason'), issues, MAX_REASON_LENGTH);
  if (issues.count !== before || id === undefined || effect === undefined || when === undefined || reason === undefined) return undefined;
  return { id, effect, when, reason };
}

function readRules(value: unknown, path: string, issues: ValidationIssues): PolicyRule[] | undefined {
  if (!Array.isArray(value)) {
    issues.add('WRONG_TYPE', path, 'expected an array of rules');
    return undefined;
  }
  if (value.length > MAX_RULES) {
    issues.add('TOO_MANY_RULES', path, `at most ${MAX_RULES} rules`);
    return undefined;
  }
  const before = issues.count;
  const rules = value.map((rule: unknown, index) => readRule(rule, pointer(path, index), issues));
  const seen = new Map<string, number>();
  rules.forEach((rule, index) => {
    if (rule === undefined) return;
    const earlier = seen.get(rule.id);
    if (earlier !== undefined) {
      issues.add('DUPLICATE_RULE_ID', pointer(pointer(path, index), 'id'), `'${rule.id}' is already the id of rule ${earlier}`);
    }
    seen.set(rule.id, index);
  });
  if (issues.count !== before) return undefined;
  const complete = rules as PolicyRule[];
  for (const { index, shadowedBy } of findUnreachableRules(complete)) {
    issues.add('UNREACHABLE_RULE', pointer(path, index), `every request this rule applies to is decided earlier by '${shadowedBy}'`);
  }
  return issues.count === before ? complete : undefined;
}

/**
 * Checks an untrusted policy document (e.g. from the control plane's GraphQL input) and returns
 * either a frozen, normalised copy holding only known fields, or every problem found, each with a
 * code and a JSON Pointer.
 */
export function validatePolicyDocument(json: unknown): PolicyDocumentValidation {
  const issues = new ValidationIssues();
  const root = readObject(json, '', issues, {
    required: ['schemaVersion', 'policyId', 'version', 'homeRegion', 'rules', 'defaultEffect', 'pii'],
    optional: ['description'],
  });
  if (root === undefined) return { ok: false, errors: issues.errors };

  if (root['schemaVersion'] !== undefined && root['schemaVersion'] !== POLICY_SCHEMA_VERSION) {
    issues.add('UNSUPPORTED_SCHEMA_VERSION', '/schemaVersion', `this engine reads schema version ${POLICY_SCHEMA_VERSION}`);
  }
  const policyId = root['policyId'] === undefined ? undefined : readIdentifier(root['policyId'], '/policyId', issues, 'INVALID_POLICY_ID');
  const version = root['version'];
  if (version !== undefined && !(typeof version === 'number' && Number.isSafeInteger(version) && version >= 1)) {
    issues.add('INVALID_VERSION', '/version', 'expected a positive integer');
  }
  const description = root['description'] === undefined ? undefined : readText(root['description'], '/description', issues, MAX_DESCRIPTION_LENGTH);
  const homeRegion = root['homeRegion'];
  if (homeRegion !== undefined && !(typeof homeRegion === 'string' && COUNTRY_CODE.test(homeRegion))) {
    issues.add('INVALID_REGION', '/homeRegion', 'expected an ISO 3166-1 alpha-2 code in upper case, e.g. KR');
  }
  const rules = root['rules'] === undefined ? undefined : readRules(root['rules'], '/rules', issues);
  const defaultEffect = root['defaultEffect'] === undefined ? undefined : readEnum(root['defaultEffect'], '/defaultEffect', EFFECTS, issues);
  const pii = root['pii'] === undefined ? undefined : readObject(root['pii'], '/pii', issues, { required: ['defaults', 'minimumModes'] });
  const defaults = pii?.['defaults'] === undefined ? undefined : readPiiScanSettings(pii['defaults'], '/pii/defaults', issues);
  const minimumModes = pii?.['minimumModes'] === undefined ? undefined : readMinimumModes(pii['minimumModes'], '/pii/minimumModes', issues);
  if (defaults !== undefined && minimumModes !== undefined) {
    for (const detector of PII_DETECTORS) {
      if (piiModeRank(defaults[detector].mode) < piiModeRank(minimumModes[detector])) {
        issues.add(
          'DEFAULT_BELOW_MINIMUM',
          `/pii/defaults/${detector}/mode`,
          `the default '${defaults[detector].mode}' is weaker than the minimum '${minimumModes[detector]}'`,
        );
      }
    }
  }

  if (
    issues.count > 0 ||
    policyId === undefined ||
    rules === undefined ||
    defaultEffect === undefined ||
    defaults === undefined ||
    minimumModes === undefined
  ) {
    return { ok: false, errors: issues.errors };
  }
  const policy: PolicyDocument = {
    schemaVersion: POLICY_SCHEMA_VERSION,
    policyId,
    version: version as number,
    ...(description === undefined ? {} : { description }),
    homeRegion: homeRegion as string,
    rules,
    defaultEffect,
    pii: { defaults, minimumModes },
  };
  return { ok: true, policy: deepFreeze(policy) };
}
