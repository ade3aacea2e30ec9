import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { fromBase64, toHex } from '../encoding';
import { AuditProofError } from '../errors';
import { sha256 } from '../merkle/hashing';

// Fixed DER prefixes of Ed25519 keys (RFC 8410): SubjectPublicKeyInfo and PKCS#8 around the raw 32 bytes.
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const RAW_KEY_SIZE = 32;

export interface SigningKeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function generateSigningKeyPair(): SigningKeyPair {
  return generateKeyPairSync('ed25519');
}

/** SPKI PEM ("-----BEGIN PUBLIC KEY-----"), the form of public-key.pem and of pinned keys. */
export function publicKeyToPem(publicKey: KeyObject): string {
  assertEd25519(publicKey, 'public');
  return publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

/** PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted: protect it at rest. */
export function privateKeyToPem(privateKey: KeyObject): string {
  assertEd25519(privateKey, 'private');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The 32-byte Ed25519 public key (RFC 8032 encoding). */
export function publicKeyToRaw(publicKey: KeyObject): Buffer {
  assertEd25519(publicKey, 'public');
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length);
}

/** Accepts an SPKI PEM or the raw 32-byte key in base64. */
export function importPublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  // createPublicKey would derive the public half of a private key: a private key is never a pinned key.
  if (/PRIVATE KEY/.test(trimmed)) throw new AuditProofError('INVALID_KEY', 'a private key where a public key belongs: never hand out or pin a private key');
  if (trimmed.startsWith('-----BEGIN')) {
    let key: KeyObject;
    try {
      key = createPublicKey({ key: trimmed, format: 'pem' });
    } catch (error) {
      throw new AuditProofError('INVALID_KEY', `unreadable public key PEM: ${(error as Error).message}`);
    }
    assertEd25519(key, 'public');
    return key;
  }
  const raw = fromBase64(trimmed, 'raw public key');
  if (raw.length !== RAW_KEY_SIZE) throw new AuditProofError('INVALID_KEY', `raw Ed25519 public key must be ${RAW_KEY_SIZE} bytes`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function importPrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    throw new AuditProofError('INVALID_KEY', `unreadable private key PEM: ${(error as Error).message}`);
  }
  assertEd25519(key, 'private');
  return key;
}

/** Private key from its 32-byte RFC 8032 seed (e.g. fixed test keys or keys kept in a secret store). */
export function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  if (seed.length !== RAW_KEY_SIZE) throw new AuditProofError('INVALID_KEY', `Ed25519 seed must be ${RAW_KEY_SIZE} bytes`);
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

export function publicKeyOf(privateKey: KeyObject): KeyObject {
  assertEd25519(privateKey, 'private');
  return createPublicKey(privateKey);
}

/** Key id: lowercase hex SHA-256 of the raw 32-byte public key. */
export function keyIdOf(publicKey: KeyObject): string {
  return toHex(sha256(publicKeyToRaw(publicKey)));
}

export function assertEd25519(key: KeyObject, kind: 'public' | 'private'): void {
  if (!(key instanceof KeyObject) || key.type !== kind || key.asymmetricKeyType !== 'ed25519') {
    throw new AuditProofError('INVALID_KEY', `expected an Ed25519 ${kind} key`);
  }
}
