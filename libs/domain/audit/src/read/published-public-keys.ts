import type { AuditPublicKey } from '../keys/audit-public-key';
import type { SigningKeyUsage } from '../storage/key-usage';

/**
 * A key of the log's history with the span of tree heads it signed (null when it signed none).
 * `known` is false for a key id that signed stored heads but is neither the current signing key
 * nor in AUDIT_RETIRED_PUBLIC_KEYS: the platform cannot give its key (pem and base64 null), but a
 * reader still sees that those heads exist and which tree sizes they span.
 */
export interface PublishedPublicKey {
  readonly keyId: string;
  readonly known: boolean;
  /** true for the key that signs new heads (never for an unknown key). */
  readonly current: boolean;
  /** SPKI PEM; null for an unknown key. */
  readonly pem: string | null;
  /** The raw 32-byte key in base64; null for an unknown key. */
  readonly base64: string | null;
  readonly usage: SigningKeyUsage | null;
}

/**
 * Every key of the log's history: the configured ones (current first, then the retired ones in
 * configuration order), then the key ids of stored heads the platform does not know, in the order
 * they first signed (smallest tree size, then earliest).
 */
export function publishedPublicKeys(configured: readonly AuditPublicKey[], usage: ReadonlyMap<string, SigningKeyUsage>): PublishedPublicKey[] {
  const known = configured.map((key) => ({
    keyId: key.keyId,
    known: true,
    current: key.current,
    pem: key.pem,
    base64: key.base64,
    usage: usage.get(key.keyId) ?? null,
  }));
  const knownIds = new Set(known.map((key) => key.keyId));
  const unknown = [...usage.values()]
    .filter((used) => !knownIds.has(used.keyId))
    .sort((a, b) => a.firstTreeSize - b.firstTreeSize || a.firstSignedAt.getTime() - b.firstSignedAt.getTime() || a.keyId.localeCompare(b.keyId))
    .map((used) => ({ keyId: used.keyId, known: false, current: false, pem: null, base64: null, usage: used }));
  return [...known, ...unknown];
}
