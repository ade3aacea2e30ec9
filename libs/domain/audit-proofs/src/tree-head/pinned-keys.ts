import { KeyObject } from 'node:crypto';
import { AuditProofError } from '../errors';
import { assertEd25519, keyIdOf } from './signing-keys';

/**
 * The public keys a verifier trusts, by key id. They are obtained out of band (never from the
 * bundle); after a key rotation the set holds the current key and the retired ones whose heads are
 * still being verified.
 */
export type PinnedKeys = ReadonlyMap<string, KeyObject>;

/** One key or several; the same key pinned twice counts once. */
export function pinKeys(keys: KeyObject | readonly KeyObject[]): PinnedKeys {
  const list = keys instanceof KeyObject ? [keys] : keys;
  if (list.length === 0) throw new AuditProofError('INVALID_KEY', 'at least one public key must be pinned');
  const pinned = new Map<string, KeyObject>();
  for (const key of list) {
    assertEd25519(key, 'public');
    pinned.set(keyIdOf(key), key);
  }
  return pinned;
}

/** "aaaa…, bbbb…": short key ids for messages that may name several keys. */
export function describeKeyIds(keyIds: Iterable<string>): string {
  return [...keyIds].map((keyId) => `${keyId.slice(0, 16)}…`).join(', ');
}
