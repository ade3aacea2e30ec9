import { CatalogError } from '../shared/catalog-errors';
import { DEFAULT_ENDPOINT_LIMITS, type EndpointLimits } from './endpoint.model';

/** Upper bound of each limit; the lower bound of all of them is 1. */
export const LIMIT_MAXIMA: Readonly<EndpointLimits> = Object.freeze({
  maxRequestBytes: 64 * 1024 * 1024,
  maxOutputTokens: 1_000_000,
  defaultMaxTokens: 1_000_000,
  connectTimeoutMs: 600_000,
  firstByteTimeoutMs: 3_600_000,
  requestTimeoutMs: 3_600_000,
  maxChoices: 128,
  imageInputTokens: 100_000,
});

const FIELDS = Object.keys(DEFAULT_ENDPOINT_LIMITS) as (keyof EndpointLimits)[];

/** Present fields of a partial limits object (null/undefined mean "not given"). */
export type LimitsPatch = Partial<Record<keyof EndpointLimits, number | null>>;

export function givenLimits(patch: LimitsPatch | null | undefined): Partial<EndpointLimits> {
  const given: Partial<EndpointLimits> = {};
  for (const field of FIELDS) {
    const value = patch?.[field];
    if (value !== undefined && value !== null) given[field] = value;
  }
  return given;
}

/** `base` with `patch` applied, checked as a whole; throws the first problem found. */
export function validLimits(base: EndpointLimits, patch: LimitsPatch | null = {}): EndpointLimits {
  const limits = { ...base, ...givenLimits(patch) };
  for (const field of FIELDS) {
    const value = limits[field];
    if (!Number.isInteger(value) || value < 1 || value > LIMIT_MAXIMA[field]) {
      throw new CatalogError('INVALID_LIMIT', `${field} must be a whole number from 1 to ${LIMIT_MAXIMA[field]}`, {
        field,
        value,
      });
    }
  }
  if (limits.defaultMaxTokens > limits.maxOutputTokens) {
    throw new CatalogError('DEFAULT_MAX_TOKENS_EXCEEDS_MAX', 'defaultMaxTokens may not exceed maxOutputTokens', {
      defaultMaxTokens: limits.defaultMaxTokens,
      maxOutputTokens: limits.maxOutputTokens,
    });
  }
  if (limits.connectTimeoutMs > limits.requestTimeoutMs || limits.firstByteTimeoutMs > limits.requestTimeoutMs) {
    throw new CatalogError('INVALID_TIMEOUTS', 'connectTimeoutMs and firstByteTimeoutMs may not exceed requestTimeoutMs', {
      connectTimeoutMs: limits.connectTimeoutMs,
      firstByteTimeoutMs: limits.firstByteTimeoutMs,
      requestTimeoutMs: limits.requestTimeoutMs,
    });
  }
  return limits;
}
