import { createPublicKey, KeyObject } from 'node:crypto';

// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410) around the raw 32-byte key.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const RAW_KEY_SIZE = 32;

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

/** What is wrong with each entry that is not an Ed25519 public key, e.g. "key 2: not 32 bytes". Empty when all are. */
export function publicKeyListProblems(text: string): string[] {
  return splitPublicKeyList(text).flatMap((entry, i) => {
    const problem = ed25519PublicKeyProblem(entry);
    return problem === null ? [] : [`key ${i + 1}: ${problem}`];
  });
}

function ed25519PublicKeyProblem(entry: string): string | null {
  let key: KeyObject;
  try {
    if (entry.startsWith('-----BEGIN')) {
      key = createPublicKey({ key: entry, format: 'pem' });
    } else {
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(entry)) return 'neither a PEM nor base64';
      const raw = Buffer.from(entry, 'base64');
      if (raw.length !== RAW_KEY_SIZE) return `a raw Ed25519 public key is ${RAW_KEY_SIZE} bytes, this one ${raw.length}`;
      key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    }
  } catch (error) {
    return `unreadable public key (${(error as Error).message})`;
  }
  return key.asymmetricKeyType === 'ed25519' ? null : `a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`;
}
