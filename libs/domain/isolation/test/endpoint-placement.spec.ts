import fc from 'fast-check';
import { confirmationOf, placementProblem, type EndpointPlacement } from '../src/checks/endpoint-placement';

const now = new Date('2026-11-29T00:00:00Z');
const placement = (overrides: Partial<EndpointPlacement> = {}): EndpointPlacement => ({
  region: 'KR',
  network_zone: 'internal',
  authority_confirmation_ref: null,
  authority_confirmation_expires_at: null,
  ...overrides,
});
const confirmed = (expiresAt: string) => ({ authority_confirmation_ref: 'FSC-2026-001', authority_confirmation_expires_at: new Date(expiresAt) });

describe('where sensitive data may be processed', () => {
  it('a domestic internal-zone endpoint may receive both sensitive classifications', () => {
    expect(placementProblem('personal-credit', placement({ region: ' kr ' }), 'KR', now)).toBeUndefined();
    expect(placementProblem('confidential', placement(), 'KR', now)).toBeUndefined();
  });

  it('no sensitive data abroad, whatever the zone or confirmation', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('US', 'JP', 'eu-west'),
        fc.constantFrom('internal', 'internet'),
        fc.constantFrom('confidential', 'personal-credit') as fc.Arbitrary<'confidential' | 'personal-credit'>,
        (region, zone, classification) => {
          expect(placementProblem(classification, placement({ region, network_zone: zone, ...confirmed('2027-01-01T00:00:00Z') }), 'KR', now)).toBe(
            `region ${region} is outside KR`,
          );
        },
      ),
    );
  });

  it('on the internet: personal credit never; confidential only under a current authority confirmation', () => {
    const internet = placement({ network_zone: 'internet' });
    expect(placementProblem('personal-credit', { ...internet, ...confirmed('2027-01-01T00:00:00Z') }, 'KR', now)).toBe('internet network zone');
    expect(placementProblem('confidential', { ...internet, ...confirmed('2027-01-01T00:00:00Z') }, 'KR', now)).toBeUndefined();
    expect(placementProblem('confidential', { ...internet, ...confirmed('2026-11-28T00:00:00Z') }, 'KR', now)).toBe(
      'internet network zone without a current authority confirmation',
    );
    expect(placementProblem('confidential', internet, 'KR', now)).toBe('internet network zone without a current authority confirmation');
  });

  it('a confirmation needs both a reference and an expiry', () => {
    expect(confirmationOf(placement())).toBeUndefined();
    expect(confirmationOf(placement({ authority_confirmation_ref: 'FSC-1' }))).toBeUndefined();
    expect(confirmationOf(placement(confirmed('2027-01-01T00:00:00Z')))).toEqual({ reference: 'FSC-2026-001', expiresAt: new Date('2027-01-01T00:00:00Z') });
  });
});
