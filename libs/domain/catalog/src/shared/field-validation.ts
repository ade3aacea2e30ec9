import { CatalogError } from './catalog-errors';

/** A trimmed, non-blank text of at most `max` characters without control characters. */
export function validText(field: string, value: string, max = 200): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new CatalogError('INVALID_TEXT_FIELD', `${field} must be 1-${max} characters without control characters`, {
      field,
    });
  }
  return trimmed;
}

/** Why a state or status changed: 3-1000 characters. */
export function validReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed.length < 3 || trimmed.length > 1000) {
    throw new CatalogError('INVALID_REASON', 'reason must be 3-1000 characters');
  }
  return trimmed;
}

/** A date the caller sent, as a valid Date. */
export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}
