import type { CatalogError } from '../shared/catalog-errors';
import { apiKeyStatus } from './api-key.model';
import { assertWithinCeiling, validApiKeyName, validEndpointScope, validExpiry } from './api-key-validation';

const reason = (code: string) => expect.objectContaining({ code }) as CatalogError;
const A = '3f1c2b9a-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const B = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';

describe('API key validation', () => {
  it('names are 1-100 characters', () => {
    expect(validApiKeyName('  batch scoring ')).toBe('batch scoring');
    for (const bad of ['', '   ', 'x'.repeat(101), 'a\nb']) expect(() => validApiKeyName(bad)).toThrow(reason('INVALID_API_KEY_NAME'));
  });

  it('endpoint scopes are omitted (all) or distinct endpoint ids', () => {
    expect(validEndpointScope(undefined)).toBeNull();
    expect(validEndpointScope(null)).toBeNull();
    expect(validEndpointScope([B, A, B])).toEqual([A, B].sort());
    expect(() => validEndpointScope([])).toThrow(reason('INVALID_ENDPOINT_SCOPE'));
    expect(() => validEndpointScope(['not-an-id'])).toThrow(reason('UNKNOWN_ENDPOINT'));
  });

  it('expiry must be in the future', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(validExpiry(null, now)).toBeNull();
    expect(validExpiry(new Date('2026-01-02T00:00:00Z'), now)).toEqual(new Date('2026-01-02T00:00:00Z'));
    expect(() => validExpiry(now, now)).toThrow(reason('API_KEY_EXPIRY_IN_PAST'));
    expect(() => validExpiry(new Date('2025-12-31T00:00:00Z'), now)).toThrow(reason('API_KEY_EXPIRY_IN_PAST'));
  });

  it('the default classification may not exceed the ceiling', () => {
    expect(() => assertWithinCeiling('internal', 'confidential')).not.toThrow();
    expect(() => assertWithinCeiling('confidential', 'confidential')).not.toThrow();
    expect(() => assertWithinCeiling('personal-credit', 'internal')).toThrow(reason('CLASSIFICATION_ABOVE_CEILING'));
  });

  it('status: revoked wins, then expired, else active', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: now, expiresAt: new Date('2027-01-01') }, now)).toBe('revoked');
  });
});
