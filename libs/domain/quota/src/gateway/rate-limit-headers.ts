import { createLimiterState, rateLimitStanding, type RateLimitFigure } from '@ai-commons/quota-allocator';
import type { QuotaStore } from './quota-store';
import type { QuotaTable } from './quota-table';

/**
 * A duration the way OpenAI's `x-ratelimit-reset-*` spell it (Go's time.Duration): "20ms" under a
 * second, else hours, minutes and seconds with a trimmed fraction ("1s", "1.5s", "6m0s", "1h0m0s");
 * zero is "0s". Whole milliseconds, rounded up: a client that waits that long is never early.
 */
export function formatResetDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms) : 0;
  if (total === 0) return '0s';
  if (total < 1_000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const seconds = `${Math.floor(millis / 1_000)}${millis % 1_000 ? `.${String(millis % 1_000).padStart(3, '0')}`.replace(/0+$/, '') : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  return minutes > 0 ? `${minutes}m${seconds}` : seconds;
}

/** OpenAI's six `x-ratelimit-*` headers for a requests and a tokens figure. */
export function rateLimitHeaders(requests: RateLimitFigure, tokens: RateLimitFigure): Record<string, string> {
  return {
    'x-ratelimit-limit-requests': String(requests.limit),
    'x-ratelimit-remaining-requests': String(requests.remaining),
    'x-ratelimit-reset-requests': formatResetDuration(requests.resetMs),
    'x-ratelimit-limit-tokens': String(tokens.limit),
    'x-ratelimit-remaining-tokens': String(tokens.remaining),
    'x-ratelimit-reset-tokens': formatResetDuration(tokens.resetMs),
  };
}

/**
 * The caller's per-minute standing in the pool of the endpoint it called, as `x-ratelimit-*`
 * headers. Reads the pool state this process last committed or read (after an admission: the
 * state that admission wrote), so it costs no store round trip. Endpoints in no pool have no rate
 * limit and get no headers.
 */
export class RateLimitReporter {
  constructor(
    private readonly table: () => QuotaTable | undefined,
    private readonly store: QuotaStore,
    private readonly clock: () => number = Date.now,
  ) {}

  headersFor(institutionId: string, endpointId: string): Record<string, string> | undefined {
    const pool = this.table()?.poolForEndpoint(endpointId);
    if (!pool) return undefined;
    // A pool this process has not touched yet reads as idle (its first admission replaces it).
    const state = this.store.lastSeenState(pool.id) ?? createLimiterState(pool.policy);
    const standing = rateLimitStanding(pool.policy, state, institutionId, this.clock());
    return standing && rateLimitHeaders(standing.requests, standing.tokens);
  }
}
