// A public key the supervisor pinned (pasted or loaded from a file): SPKI PEM or the raw 32-byte
// Ed25519 key in base64. Only a PUBLIC key, so keeping it in sessionStorage is harmless.
import { base64ToBytes, bytesToHex, sha256 } from './bytes';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): the raw key follows it. */
const ED25519_SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

export interface PinnedKey {
  /** Raw 32-byte Ed25519 public key. */
  readonly raw: Uint8Array;
  /** SHA-256 of the raw key, lowercase hex: the keyId tree heads carry. */
  readonly keyId: string;
}

export class PinnedKeyError extends Error {}

export async function parsePinnedKey(text: string): Promise<PinnedKey> {
  const trimmed = text.trim();
  if (!trimmed) throw new PinnedKeyError('empty');
  let bytes: Uint8Array;
  try {
    const pem = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(trimmed);
    bytes = base64ToBytes(pem ? pem[1]! : trimmed);
  } catch {
    throw new PinnedKeyError('not base64 or PEM');
  }
  let raw: Uint8Array;
  if (bytes.length === 32) raw = bytes;
  else if (bytes.length === 44 && ED25519_SPKI_PREFIX.every((b, i) => bytes[i] === b)) raw = bytes.slice(12);
  else throw new PinnedKeyError('not an Ed25519 public key');
  return { raw, keyId: bytesToHex(await sha256(raw)) };
}

const STORAGE_KEY = 'ai-commons.console.pinned-audit-key';

export function loadPinnedKeyText(): string {
  return sessionStorage.getItem(STORAGE_KEY) ?? '';
}

export function savePinnedKeyText(text: string): void {
  sessionStorage.setItem(STORAGE_KEY, text);
}
