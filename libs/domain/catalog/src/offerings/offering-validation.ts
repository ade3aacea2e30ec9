import { CatalogError } from '../shared/catalog-errors';
import { isValidDate, validText } from '../shared/field-validation';
import type { AuthorityConfirmation, Hosting, RegisterOfferingCommand } from './offering.model';

const REGION = /^[A-Z]{2}$/;

/** ISO 3166-1 alpha-2, case-insensitive on input, stored upper-case. */
export function validRegion(region: string): string {
  const normalised = region.trim().toUpperCase();
  if (!REGION.test(normalised)) {
    throw new CatalogError('INVALID_REGION', 'region must be an ISO 3166-1 alpha-2 country code, e.g. KR', { region });
  }
  return normalised;
}

/**
 * Cloud-commercial offerings need the financial authority's confirmation (reference and expiry,
 * still valid at registration); others may carry one.
 */
export function validAuthorityConfirmation(
  hosting: Hosting,
  confirmation: { reference: string; expiresAt: Date } | null | undefined,
  now: Date,
): AuthorityConfirmation | null {
  if (confirmation === undefined || confirmation === null) {
    if (hosting === 'cloud-commercial') {
      throw new CatalogError(
        'AUTHORITY_CONFIRMATION_REQUIRED',
        'A cloud-commercial offering needs the financial authority confirmation (reference and expiry)',
        { hosting },
      );
    }
    return null;
  }
  const reference = confirmation.reference?.trim() ?? '';
  if (reference.length === 0 || reference.length > 200) {
    throw new CatalogError('INVALID_AUTHORITY_CONFIRMATION', 'authorityConfirmation.reference must be 1-200 characters');
  }
  if (!isValidDate(confirmation.expiresAt) || confirmation.expiresAt.getTime() <= now.getTime()) {
    throw new CatalogError('INVALID_AUTHORITY_CONFIRMATION', 'authorityConfirmation.expiresAt must be a date in the future', {
      expiresAt: isValidDate(confirmation.expiresAt) ? confirmation.expiresAt.toISOString() : null,
    });
  }
  return { reference, expiresAt: confirmation.expiresAt };
}

export function validRegisterOffering(command: RegisterOfferingCommand, now: Date) {
  const confirmation = validAuthorityConfirmation(command.hosting, command.authorityConfirmation, now);
  return {
    modelId: command.modelId,
    hosting: command.hosting,
    region: validRegion(command.region),
    networkZone: command.networkZone,
    operator: validText('operator', command.operator),
    authorityConfirmationRef: confirmation?.reference ?? null,
    authorityConfirmationExpiresAt: confirmation?.expiresAt ?? null,
  };
}
