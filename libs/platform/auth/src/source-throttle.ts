import { isIPv6 } from 'node:net';

/**
 * Per-source brake on failed authentication: each source address has a token bucket of `burst`
 * failures, refilled at `refillPerSecond`; while a source's bucket is empty, every request from it
 * is answered 429 before its credential is even checked. A source that never fails is never
 * slowed. The table is bounded: at `maxSources` the least recently failing source is forgotten
 * (a caller spreading over more addresses than that escapes the brake, not the bounded audit).
 * Pure apart from the injected clock.
 */
export interface SourceThrottleOptions {
  burst: number;
  refillPerSecond: number;
  maxSources: number;
  clock?: () => number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

const ALLOWED: ThrottleVerdict = Object.freeze({ allowed: true });

export class SourceThrottle {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: () => number;

  constructor(private readonly options: SourceThrottleOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** May a request from `source` be looked at? */
  check(source: string | undefined): ThrottleVerdict {
    // Nobody failing (the usual case): no address to normalise on every request.
    if (this.buckets.size === 0) return ALLOWED;
    const bucket = source === undefined ? undefined : this.buckets.get(throttleKeyOf(source));
    if (!bucket) return ALLOWED;
    const tokens = this.refilled(bucket, this.clock());
    if (tokens >= 1) return ALLOWED;
    return { allowed: false, retryAfterMs: Math.ceil(((1 - tokens) / this.options.refillPerSecond) * 1000) };
  }

  /** A request from `source` failed authentication: it spends one token. */
  recordFailure(address: string | undefined): void {
    if (address === undefined) return;
    const source = throttleKeyOf(address);
    const now = this.clock();
    const existing = this.buckets.get(source);
    const tokens = existing ? this.refilled(existing, now) : this.options.burst;
    // Re-inserted so the Map's order is least recently failing first.
    this.buckets.delete(source);
    this.buckets.set(source, { tokens: Math.max(0, tokens - 1), updatedAt: now });
    while (this.buckets.size > this.options.maxSources) this.buckets.delete(this.buckets.keys().next().value as string);
  }

  /** Sources tracked now (at most maxSources). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    return Math.min(this.options.burst, bucket.tokens + elapsedSeconds * this.options.refillPerSecond);
  }
}

/**
 * The unit the brake counts: an IPv4 address (also when IPv4-mapped, `::ffff:10.0.0.1`), or an
 * IPv6 address's /64 prefix — one subscriber usually holds a whole /64, and counting single
 * addresses would let it rotate through 2^64 of them.
 */
export function throttleKeyOf(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
