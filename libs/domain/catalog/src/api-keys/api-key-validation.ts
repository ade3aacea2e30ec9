import { isUuid } from '@ai-commons/core';
import { DATA_CLASSIFICATIONS, type DataClassification } from '@ai-commons/tenancy';
import { CatalogError } from '../shared/catalog-errors';
import { isValidDate } from '../shared/field-validation';

const CONTROL = /[\u0000-\u001f\u007f]/;

export function validApiKeyName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 100 || CONTROL.test(trimmed)) {
    throw new CatalogError('INVALID_API_KEY_NAME', 'name must be 1-100 characters without control characters');
  }
  return trimmed;
}

/** Omitted (null) = every endpoint of the institution; otherwise a non-empty list of endpoint ids. */
export function validEndpointScope(ids: string[] | null | undefined): string[] | null {
  if (ids === undefined || ids === null) return null;
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > 100) {
    throw new CatalogError('INVALID_ENDPOINT_SCOPE', 'endpointIds must name 1-100 endpoints, or be omitted for all of them');
  }
  const malformed = unique.find((id) => !isUuid(id));
  if (malformed !== undefined) throw unknownEndpoint([malformed]);
  return unique.map((id) => id.toLowerCase()).sort();
}

export function validExpiry(expiresAt: Date | null | undefined, now: Date): Date | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  if (!isValidDate(expiresAt) || expiresAt.getTime() <= now.getTime()) {
    throw new CatalogError('API_KEY_EXPIRY_IN_PAST', 'expiresAt must be in the future', {
      expiresAt: isValidDate(expiresAt) ? expiresAt.toISOString() : null,
    });
  }
  return expiresAt;
}

/** A key's default classification may not exceed its institution's ceiling. */
export function assertWithinCeiling(classification: DataClassification, ceiling: DataClassification): void {
  if (DATA_CLASSIFICATIONS.indexOf(classification) > DATA_CLASSIFICATIONS.indexOf(ceiling)) {
    throw new CatalogError('CLASSIFICATION_ABOVE_CEILING', `defaultClassification ${classification} exceeds the institution's ceiling ${ceiling}`, {
      defaultClassification: classification,
      ceiling,
    });
  }
}

/** Same answer for an unknown endpoint and another institution's. */
export function unknownEndpoint(ids: string[]): CatalogError {
  return new CatalogError('UNKNOWN_ENDPOINT', 'endpointIds names an endpoint that does not exist', { endpointIds: ids });
}
