import { DATA_CLASSIFICATIONS, type DataClassification } from '@ai-commons/tenancy';
import { UseCaseError } from './use-case-errors';
import { MATERIAL_FIELDS, RISK_TIERS, type Approval, type RiskTier, type UseCaseContent } from './use-case.model';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const CONTROL_ONE_LINE = /[\u0000-\u001f\u007f]/;
const MAX_ENDPOINTS = 32;
/** An approval longer than this is a typo (designations run for a few years at most). */
const MAX_VALIDITY_MS = 5 * 366 * 24 * 3600_000;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function validUseCaseId(id: string): string {
  if (!isUuid(id)) throw new UseCaseError('INVALID_USE_CASE_ID', 'id must be a UUID', { field: 'id' });
  return id.toLowerCase();
}

/** A trimmed text of 1..max characters; one line unless `multiline`. */
export function validText(field: string, value: unknown, max: number, multiline = false): string {
  const trimmed = typeof value === 'string' ? value.normalize('NFC').trim() : '';
  if (trimmed.length === 0 || trimmed.length > max || (multiline ? CONTROL : CONTROL_ONE_LINE).test(trimmed)) {
    throw new UseCaseError('INVALID_TEXT_FIELD', `${field} must be 1-${max} characters without control characters`, { field, max });
  }
  return trimmed;
}

/** Why a transition happens (review comment): 3-2000 characters. */
export function validComment(value: unknown): string {
  const trimmed = typeof value === 'string' ? value.normalize('NFC').trim() : '';
  if (trimmed.length < 3 || trimmed.length > 2000 || CONTROL.test(trimmed)) {
    throw new UseCaseError('INVALID_COMMENT', 'comment must be 3-2000 characters without control characters', { field: 'comment' });
  }
  return trimmed;
}

export function validClassification(value: unknown, institutionCeiling?: DataClassification): DataClassification {
  if (!DATA_CLASSIFICATIONS.includes(value as DataClassification)) {
    throw new UseCaseError('INVALID_CLASSIFICATION', `dataClassificationCeiling must be one of ${DATA_CLASSIFICATIONS.join(', ')}`, {
      field: 'dataClassificationCeiling',
    });
  }
  const classification = value as DataClassification;
  if (institutionCeiling && DATA_CLASSIFICATIONS.indexOf(classification) > DATA_CLASSIFICATIONS.indexOf(institutionCeiling)) {
    throw new UseCaseError('CLASSIFICATION_ABOVE_INSTITUTION_CEILING', `The institution's own ceiling is ${institutionCeiling}`, {
      field: 'dataClassificationCeiling',
      institutionCeiling,
    });
  }
  return classification;
}

/** 1..32 distinct endpoint ids, lower-cased and sorted (so equal sets compare equal). */
export function validEndpointIds(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ENDPOINTS || !value.every(isUuid)) {
    throw new UseCaseError('INVALID_ENDPOINTS', `endpointIds must be 1-${MAX_ENDPOINTS} endpoint ids (UUIDs)`, { field: 'endpointIds' });
  }
  return [...new Set(value.map((id) => id.toLowerCase()))].sort();
}

export function validRiskTier(value: unknown, highImpact: boolean): RiskTier {
  if (!RISK_TIERS.includes(value as RiskTier)) {
    throw new UseCaseError('INVALID_RISK_TIER', `riskTier must be one of ${RISK_TIERS.join(', ')}`, { field: 'riskTier' });
  }
  if (highImpact && value !== 'high') {
    throw new UseCaseError('HIGH_IMPACT_NEEDS_HIGH_TIER', 'A high-impact use case (AI Basic Act) is in the high risk tier', { field: 'riskTier' });
  }
  return value as RiskTier;
}

export type UseCaseInput = { [K in keyof UseCaseContent]?: unknown };

/** A complete declaration, validated field by field (the first bad field is reported). */
export function validContent(input: UseCaseInput, institutionCeiling?: DataClassification): UseCaseContent {
  const highImpact = input.highImpact === true;
  return {
    name: validText('name', input.name, 200),
    purpose: validText('purpose', input.purpose, 2000, true),
    businessProcess: validText('businessProcess', input.businessProcess, 200),
    dataClassificationCeiling: validClassification(input.dataClassificationCeiling, institutionCeiling),
    endpointIds: validEndpointIds(input.endpointIds),
    riskTier: validRiskTier(input.riskTier, highImpact),
    highImpact,
    humanOversight: validText('humanOversight', input.humanOversight, 2000, true),
    owner: validText('owner', input.owner, 200),
    contact: validText('contact', input.contact, 200),
  };
}

/** `current` with the given fields replaced (absent or null fields keep their value), validated whole. */
export function validPatch(current: UseCaseContent, patch: UseCaseInput, institutionCeiling?: DataClassification): UseCaseContent {
  const given = Object.entries(patch).filter(([, value]) => value !== undefined && value !== null);
  if (given.length === 0) throw new UseCaseError('EMPTY_UPDATE', 'Give at least one field to change');
  return validContent({ ...current, ...Object.fromEntries(given) }, institutionCeiling);
}

/** The material fields whose value differs: a non-empty list means the regulator must review again. */
export function materialChanges(before: UseCaseContent, after: UseCaseContent): string[] {
  return MATERIAL_FIELDS.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]));
}

/** The regulator's approval: a designation reference, conditions, and a validity that ends in the future. */
export function validApproval(input: { reference?: unknown; conditions?: unknown; validFrom?: unknown; validUntil?: unknown }, now: Date): Approval {
  const reference = typeof input.reference === 'string' ? input.reference.trim() : '';
  if (!/^[\p{L}\p{N}][\p{L}\p{N} ._\/()#-]{0,99}$/u.test(reference)) {
    throw new UseCaseError('INVALID_REFERENCE', 'reference (the designation number) must be 1-100 letters, digits, spaces and . _ / ( ) # -', {
      field: 'reference',
    });
  }
  const conditions =
    input.conditions === undefined || input.conditions === null || input.conditions === '' ? '' : validText('conditions', input.conditions, 4000, true);
  const validFrom = input.validFrom === undefined || input.validFrom === null ? now : input.validFrom;
  const validUntil = input.validUntil;
  if (!isDate(validFrom) || !isDate(validUntil)) {
    throw new UseCaseError('INVALID_VALIDITY', 'validFrom and validUntil must be dates', { field: 'validUntil' });
  }
  if (validUntil.getTime() <= Math.max(validFrom.getTime(), now.getTime())) {
    throw new UseCaseError('INVALID_VALIDITY', 'validUntil must be after validFrom and in the future', { field: 'validUntil' });
  }
  if (validUntil.getTime() - validFrom.getTime() > MAX_VALIDITY_MS) {
    throw new UseCaseError('INVALID_VALIDITY', 'An approval may run for at most five years', { field: 'validUntil' });
  }
  return { reference, conditions, validFrom, validUntil };
}

function isDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
