/**
 * Encrypts upstream credentials at rest. The local implementation wraps a per-credential data key
 * under a key-encryption key from config; a KMS (HSM, cloud KMS) can implement the same interface.
 * `context` (tenant and endpoint ids) is bound as associated data, so a ciphertext copied to another
 * endpoint row no longer decrypts.
 */
export interface CredentialCipher {
  encrypt(plaintext: string, context: string): EncryptedCredential;
  decrypt(credential: EncryptedCredential, context: string): string;
  /** Keyed fingerprint: equal secrets give equal fingerprints, without revealing them. */
  fingerprint(plaintext: string): string;
}

export interface EncryptedCredential {
  ciphertext: Buffer;
  keyId: string;
}

export const CREDENTIAL_CIPHER = Symbol('CREDENTIAL_CIPHER');
