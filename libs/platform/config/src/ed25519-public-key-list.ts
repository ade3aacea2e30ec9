import { createPublicKey, KeyObject } from 'node:crypto';

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) around the raw 32-byte key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const RAW_KEY_SIZE = 32;
// Strict padded standard base64 (RFC 4648 §4), as the audit proofs decode it: 44 characters for 32 bytes.
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ANY_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const PUBLIC_KEY_PEM_HEADER = '-----BEGIN PUBLIC KEY-----';

/**
 * Splits a comma-separated list of Ed25519 public keys (each a raw 32-byte key in base64 or an
 * SPKI PEM; PEMs contain no commas) into its non-empty entries.
 */
export function splitPublicKeyList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** One entry of a public key list: the key, or what is wrong with it. */
export type ParsedPublicKey = { readonly key: KeyObject; readonly problem?: undefined } | { readonly key?: undefined; readonly problem: string };

/**
 * The one parser of configured Ed25519 public keys (the config validates with it at boot and the
 * audit log imports its retired keys with it): an SPKI PEM ("-----BEGIN PUBLIC KEY-----") or the
 * raw 32-byte key in padded standard base64. A private key is refused, never turned into its public half.
 */
export function parseEd25519PublicKey(entry: string): ParsedPublicKey {
  const text = entry.trim();
  if (/PRIVATE KEY/.test(text)) {
    return {
      problem:
        'a private key; a private key must never be configured here, only public keys (-----BEGIN PUBLIC KEY----- or the raw 32-byte public key in base64)',
    };
  }
  let key: KeyObject;
  try {
    if (text.startsWith('-----BEGIN')) {
      if (!text.startsWith(PUBLIC_KEY_PEM_HEADER)) return { problem: `a PEM that is not an SPKI public key (expected ${PUBLIC_KEY_PEM_HEADER})` };
      key = createPublicKey({ key: text, format: 'pem' });
    } else {
      if (!ANY_BASE64.test(text)) return { problem: 'neither a PEM nor base64' };
      if (!PADDED_BASE64.test(text)) return { problem: 'base64 without its "=" padding (a raw 32-byte key is 44 characters ending in "=")' };
      const raw = Buffer.from(text, 'base64');
      if (raw.length !== RAW_KEY_SIZE) return { problem: `a raw Ed25519 public key is ${RAW_KEY_SIZE} bytes, this one ${raw.length}` };
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch (error) {
    return { problem: `unreadable public key (${(error as Error).message})` };
  }
  if (key.type !== 'public') return { problem: 'not a public key' };
  return key.asymmetricKeyType === 'ed25519' ? { key } : { problem: `a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519` };
}

/** What is wrong with each entry that is not an Ed25519 public key, e.g. "key 2: not 32 bytes". Empty when all are. */
export function publicKeyListProblems(text: string): string[] {
  return splitPublicKeyList(text).flatMap((entry, i) => {
    const { problem } = parseEd25519PublicKey(entry);
    return problem === undefined ? [] : [`key ${i + 1}: ${problem}`];
  });
}

/**
 * The keys of a list the config validated; throws an Error naming the first bad entry if given one
 * that did not pass (the message is the one the boot error shows).
 */
export function parsePublicKeyList(text: string): KeyObject[] {
  return splitPublicKeyList(text).map((entry, i) => {
    const parsed = parseEd25519PublicKey(entry);
    if (parsed.problem !== undefined) throw new Error(`key ${i + 1}: ${parsed.problem}`);
    return parsed.key;
  });
}
