import { endpointCredentialContext, type CredentialCipher } from '../credentials';

/** The credential columns of an endpoint row. */
export interface SealedCredentialColumns {
  credentialCiphertext: Buffer;
  credentialKeyId: string;
  credentialFingerprint: string;
}

/**
 * Encrypts an upstream credential for one endpoint row: the tenant and endpoint ids are bound as
 * associated data, so the ciphertext is useless anywhere else.
 */
export function sealEndpointCredential(cipher: CredentialCipher, tenantId: string, endpointId: string, plaintext: string): SealedCredentialColumns {
  const encrypted = cipher.encrypt(plaintext, endpointCredentialContext(tenantId, endpointId));
  return {
    credentialCiphertext: encrypted.ciphertext,
    credentialKeyId: encrypted.keyId,
    credentialFingerprint: cipher.fingerprint(plaintext),
  };
}

/** Decrypts an endpoint's credential (platform services only: gateway, health prober). */
export function openEndpointCredential(cipher: CredentialCipher, tenantId: string, endpointId: string, sealed: { ciphertext: Buffer; keyId: string }): string {
  return cipher.decrypt(sealed, endpointCredentialContext(tenantId, endpointId));
}
