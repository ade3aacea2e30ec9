import fc from 'fast-check';
import { DEFAULT_ENDPOINT_LIMITS, type EndpointLimits } from './endpoint.model';
import { LIMIT_MAXIMA, validLimits } from './endpoint-limits';
import type { CatalogError } from '../shared/catalog-errors';

const reason = (code: string) => expect.objectContaining({ code }) as CatalogError;

describe('endpoint limits', () => {
  it('the schema defaults are valid, and an empty patch keeps them', () => {
    expect(validLimits(DEFAULT_ENDPOINT_LIMITS)).toEqual(DEFAULT_ENDPOINT_LIMITS);
    expect(validLimits(DEFAULT_ENDPOINT_LIMITS, { maxOutputTokens: null })).toEqual(DEFAULT_ENDPOINT_LIMITS);
  });

  it('applies a patch over the base', () => {
    expect(validLimits(DEFAULT_ENDPOINT_LIMITS, { maxOutputTokens: 8192, defaultMaxTokens: 2048 })).toEqual({
      ...DEFAULT_ENDPOINT_LIMITS,
      maxOutputTokens: 8192,
      defaultMaxTokens: 2048,
    });
  });

  it.each(Object.keys(DEFAULT_ENDPOINT_LIMITS) as (keyof EndpointLimits)[])('refuses zero, negative, fractional and huge %s', (field) => {
    for (const value of [0, -1, 1.5, LIMIT_MAXIMA[field] + 1]) {
      expect(() => validLimits(DEFAULT_ENDPOINT_LIMITS, { [field]: value })).toThrow(reason('INVALID_LIMIT'));
    }
  });

  it('refuses a default above the maximum output, also when only the maximum changes', () => {
    expect(() => validLimits(DEFAULT_ENDPOINT_LIMITS, { defaultMaxTokens: 5000 })).toThrow(reason('DEFAULT_MAX_TOKENS_EXCEEDS_MAX'));
    expect(() => validLimits(DEFAULT_ENDPOINT_LIMITS, { maxOutputTokens: 512 })).toThrow(reason('DEFAULT_MAX_TOKENS_EXCEEDS_MAX'));
  });

  it('refuses connect or first-byte timeouts longer than the request timeout', () => {
    expect(() => validLimits(DEFAULT_ENDPOINT_LIMITS, { requestTimeoutMs: 1000 })).toThrow(reason('INVALID_TIMEOUTS'));
    expect(() => validLimits(DEFAULT_ENDPOINT_LIMITS, { connectTimeoutMs: 200_000 })).toThrow(reason('INVALID_TIMEOUTS'));
  });

  it('accepts exactly the consistent limits (property)', () => {
    const limit = (field: keyof EndpointLimits) => fc.integer({ min: -10, max: LIMIT_MAXIMA[field] + 10 });
    fc.assert(
      fc.property(
        fc.record({
          maxRequestBytes: limit('maxRequestBytes'),
          maxOutputTokens: limit('maxOutputTokens'),
          defaultMaxTokens: limit('defaultMaxTokens'),
          connectTimeoutMs: limit('connectTimeoutMs'),
          firstByteTimeoutMs: limit('firstByteTimeoutMs'),
          requestTimeoutMs: limit('requestTimeoutMs'),
          maxChoices: limit('maxChoices'),
          imageInputTokens: limit('imageInputTokens'),
        }),
        (limits) => {
          const inRange = (Object.keys(limits) as (keyof EndpointLimits)[]).every((f) => limits[f] >= 1 && limits[f] <= LIMIT_MAXIMA[f]);
          const consistent =
            limits.defaultMaxTokens <= limits.maxOutputTokens &&
            limits.connectTimeoutMs <= limits.requestTimeoutMs &&
            limits.firstByteTimeoutMs <= limits.requestTimeoutMs;
          if (inRange && consistent) expect(validLimits(limits)).toEqual(limits);
          else expect(() => validLimits(limits)).toThrow();
        },
      ),
      { numRuns: 300 },
    );
  });
});
