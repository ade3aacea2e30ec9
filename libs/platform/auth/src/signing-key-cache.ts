import { createPublicKey, type KeyObject } from 'node:crypto';

/** The answer for one key id: the key, or why there is none (typed, never a message to parse). */
export type SigningKeyLookup =
  { readonly kind: 'found'; readonly key: KeyObject } | { readonly kind: 'unknown' } | { readonly kind: 'unavailable'; readonly cause: string };

export interface SigningKeyCacheOptions {
  /** The realm's JWKS endpoint (…/realms/<realm>/protocol/openid-connect/certs). */
  readonly jwksUrl: string;
  /** Cooldown between fetches triggered by an unknown key id, in milliseconds. */
  readonly minRefetchIntervalMs: number;
  /** Upper bound on one fetch. */
  readonly fetchTimeoutMs: number;
  readonly now?: () => number;
}

/** The JWKS fetch failed: Keycloak unreachable, too slow, an error status or a body without keys. */
export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';
}

/**
 * The realm's RSA signing keys by key id, kept beside keycloak-connect (whose own key cache is not
 * part of its public API): keys already fetched keep verifying through a Keycloak outage; an unknown
 * key id refetches at most once per cooldown (concurrent misses share one fetch), so tokens with
 * made-up key ids cannot turn into a fetch per request. A successful fetch replaces the set: a key
 * Keycloak no longer publishes stops verifying.
 */
export class SigningKeyCache {
  private keys = new Map<string, PublishedKey>();
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  /** Why the last fetch failed, while it is the latest: a miss in the cooldown is then "unavailable", not "unknown". */
  private lastFailure: string | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly now: () => number;
  /** Fetches since start, and how many of them failed (the services' metrics). */
  readonly fetches = { attempted: 0, failed: 0 };

  constructor(private readonly options: SigningKeyCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async key(kid: string): Promise<SigningKeyLookup> {
    const cached = this.keys.get(kid);
    if (cached) return { kind: 'found', key: cached.key };
    if (this.inFlight === null && this.now() - this.lastFetchAt < this.options.minRefetchIntervalMs) {
      return this.lastFailure === null ? { kind: 'unknown' } : { kind: 'unavailable', cause: this.lastFailure };
    }
    try {
      await this.refresh();
    } catch (error) {
      return { kind: 'unavailable', cause: (error as Error).message };
    }
    const fetched = this.keys.get(kid);
    return fetched ? { kind: 'found', key: fetched.key } : { kind: 'unknown' };
  }

  /** Fetches the key set now (readiness probe; unknown key ids); rejects with SigningKeysUnavailableError. */
  refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys()
      .then(
        () => void (this.lastFailure = null),
        (error: Error) => {
          this.lastFailure = error.message;
          this.fetches.failed++;
          throw error;
        },
      )
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetchAt = this.now();
    this.fetches.attempted++;
    let body: unknown;
    try {
      const response = await fetch(this.options.jwksUrl, { signal: AbortSignal.timeout(this.options.fetchTimeoutMs), headers: { accept: 'application/json' } });
      if (!response.ok) throw new SigningKeysUnavailableError(`JWKS answered HTTP ${response.status}`);
      body = await response.json();
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) throw error;
      const cause = (error as Error).name === 'TimeoutError' ? `no answer within ${this.options.fetchTimeoutMs} ms` : (error as Error).message;
      throw new SigningKeysUnavailableError(`JWKS fetch failed: ${cause}`);
    }
    const keys = signingKeysOf(body, this.keys);
    if (keys.size === 0) throw new SigningKeysUnavailableError('JWKS holds no RSA signing key');
    this.keys = keys;
  }
}

interface PublishedKey {
  readonly jwk: string;
  readonly key: KeyObject;
}

/**
 * The RSA signature keys of a JWKS document, by kid; entries that are not such keys are skipped.
 * An unchanged key keeps its KeyObject (the verifier keeps one adapter per key object).
 */
function signingKeysOf(jwks: unknown, previous: ReadonlyMap<string, PublishedKey>): Map<string, PublishedKey> {
  const keys = new Map<string, PublishedKey>();
  const entries = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(entries)) return keys;
  for (const entry of entries as Record<string, unknown>[]) {
    if (entry === null || typeof entry !== 'object' || entry['kty'] !== 'RSA' || typeof entry['kid'] !== 'string') continue;
    if (entry['use'] !== undefined && entry['use'] !== 'sig') continue;
    const jwk = JSON.stringify({ kty: 'RSA', n: entry['n'], e: entry['e'] });
    const known = previous.get(entry['kid']);
    if (known?.jwk === jwk) {
      keys.set(entry['kid'], known);
      continue;
    }
    try {
      keys.set(entry['kid'], { jwk, key: createPublicKey({ key: JSON.parse(jwk), format: 'jwk' }) });
    } catch {
      // A malformed entry is not a key; the others still are.
    }
  }
  return keys;
}
