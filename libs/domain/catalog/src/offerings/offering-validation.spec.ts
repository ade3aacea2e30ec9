import type { CatalogError } from '../shared/catalog-errors';
import { validAuthorityConfirmation, validRegion, validRegisterOffering } from './offering-validation';

const reason = (code: string) => expect.objectContaining({ code }) as CatalogError;
const now = new Date('2026-03-01T00:00:00Z');

describe('offering validation', () => {
  it('regions are ISO alpha-2 codes, stored upper-case', () => {
    expect(validRegion('kr')).toBe('KR');
    for (const bad of ['KOR', 'K', '12', '']) expect(() => validRegion(bad)).toThrow(reason('INVALID_REGION'));
  });

  it('cloud-commercial offerings need a current authority confirmation', () => {
    expect(() => validAuthorityConfirmation('cloud-commercial', null, now)).toThrow(reason('AUTHORITY_CONFIRMATION_REQUIRED'));
    expect(() => validAuthorityConfirmation('cloud-commercial', undefined, now)).toThrow(reason('AUTHORITY_CONFIRMATION_REQUIRED'));
    expect(() => validAuthorityConfirmation('cloud-commercial', { reference: 'FSC-1', expiresAt: new Date('2026-02-01') }, now)).toThrow(
      reason('INVALID_AUTHORITY_CONFIRMATION'),
    );
    expect(() => validAuthorityConfirmation('cloud-commercial', { reference: ' ', expiresAt: new Date('2027-01-01') }, now)).toThrow(
      reason('INVALID_AUTHORITY_CONFIRMATION'),
    );
    expect(validAuthorityConfirmation('cloud-commercial', { reference: ' FSC-2026-0142 ', expiresAt: new Date('2027-06-30') }, now)).toEqual({
      reference: 'FSC-2026-0142',
      expiresAt: new Date('2027-06-30'),
    });
  });

  it('other hostings may go without', () => {
    expect(
      validRegisterOffering({ modelId: 'm', hosting: 'shared-infrastructure', region: 'kr', networkZone: 'internal', operator: ' ai-commons ' }, now),
    ).toEqual({
      modelId: 'm',
      hosting: 'shared-infrastructure',
      region: 'KR',
      networkZone: 'internal',
      operator: 'ai-commons',
      authorityConfirmationRef: null,
      authorityConfirmationExpiresAt: null,
    });
  });
});
