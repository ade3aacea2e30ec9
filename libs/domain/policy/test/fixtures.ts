import type { AuthorityConfirmation, Classification, EndpointFacts, GatewayRequest, PiiScanSettings } from '../src';

export const NOW = new Date('2025-06-01T09:00:00Z');

export const CURRENT_CONFIRMATION: AuthorityConfirmation = { reference: 'FSC-SANDBOX-2024-117', expiresAt: new Date('2026-01-01T00:00:00Z') };
export const EXPIRED_CONFIRMATION: AuthorityConfirmation = { reference: 'FSC-SANDBOX-2023-042', expiresAt: new Date('2025-05-31T23:59:59Z') };

export const DOMESTIC_INTERNAL_SHARED: EndpointFacts = { hosting: 'shared-infrastructure', region: 'KR', networkZone: 'internal' };

export function requestFor(classification: Classification, endpoint: EndpointFacts, institutionCeiling: Classification = 'personal-credit'): GatewayRequest {
  return { classification, institutionCeiling, endpoint };
}

/** Every detector on, in the given mode, with the default options. */
export function allDetectors(mode: 'mask' | 'block'): PiiScanSettings {
  return {
    rrn: { mode, validateChecksum: true },
    card: { mode, requireKnownIin: false },
    bankAccount: { mode },
    phone: { mode },
  };
}

/** Only one detector on, so a test sees that detector's behaviour alone. */
export function only(detector: keyof PiiScanSettings, overrides: Partial<PiiScanSettings> = {}): PiiScanSettings {
  return {
    rrn: { mode: detector === 'rrn' ? 'mask' : 'off', validateChecksum: true },
    card: { mode: detector === 'card' ? 'mask' : 'off', requireKnownIin: false },
    bankAccount: { mode: detector === 'bankAccount' ? 'mask' : 'off' },
    phone: { mode: detector === 'phone' ? 'mask' : 'off' },
    ...overrides,
  };
}
