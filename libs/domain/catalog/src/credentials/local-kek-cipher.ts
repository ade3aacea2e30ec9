import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError } from '@ai-commons/core';
import type { CredentialCipher, EncryptedCredential } from './credential-cipher';

export class CredentialCipherError extends DomainError {
  readonly module = 'catalog';
  constructor(message: string) {
    super('CREDENTIAL_UNREADABLE', message, 'internal');
  }
}

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/**
 * Envelope encryption with AES-256-GCM: a fresh data key per credential encrypts the secret; the
 * key-encryption key (KEK) wraps the data key. Layout: version(1) | wrappedKeyLength(1) |
 * wrappedKey | sealedSecret, each sealed part being iv(12) | tag(16) | ciphertext.
 */
export class LocalKekCipher implements CredentialCipher {
  readonly keyId: string;
  private readonly fingerprintKey: Buffer;

  constructor(private readonly kek: Buffer) {
    if (kek.length !== 32) throw new CredentialCipherError('The key-encryption key must be 32 bytes');
    this.keyId = `local:${createHash('sha256').update(kek).digest('hex').slice(0, 16)}`;
    this.fingerprintKey = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'ai-commons credential fingerprint', 32));
  }

  encrypt(plaintext: string, context: string): EncryptedCredential {
    const aad = Buffer.from(context, 'utf8');
    const dataKey = randomBytes(32);
    const wrapped = seal(this.kek, dataKey, aad);
    const sealed = seal(dataKey, Buffer.from(plaintext, 'utf8'), aad);
    return { ciphertext: Buffer.concat([Buffer.from([VERSION, wrapped.length]), wrapped, sealed]), keyId: this.keyId };
  }

  decrypt(credential: EncryptedCredential, context: string): string {
    if (credential.keyId !== this.keyId) {
      throw new CredentialCipherError(`Credential was encrypted under key ${credential.keyId}, not ${this.keyId}`);
    }
    const blob = credential.ciphertext;
    if (blob[0] !== VERSION) throw new CredentialCipherError('Unknown credential format');
    const wrappedLength = blob[1];
    const aad = Buffer.from(context, 'utf8');
    try {
      const dataKey = open(this.kek, blob.subarray(2, 2 + wrappedLength), aad);
      return open(dataKey, blob.subarray(2 + wrappedLength), aad).toString('utf8');
    } catch {
      throw new CredentialCipherError('Credential could not be decrypted (wrong key or context, or tampered)');
    }
  }

  fingerprint(plaintext: string): string {
    return createHmac('sha256', this.fingerprintKey).update(plaintext, 'utf8').digest('hex');
  }
}

/** The context bound into an endpoint credential's ciphertext. */
export function endpointCredentialContext(tenantId: string, endpointId: string): string {
  return `endpoint-credential:${tenantId}:${endpointId}`;
}
