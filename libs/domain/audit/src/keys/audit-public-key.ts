import type { KeyObject } from 'node:crypto';
import { keyIdOf, publicKeyToPem, publicKeyToRaw } from '@ai-commons/audit-proofs';
import { parsePublicKeyList } from '@ai-commons/config';
import { AuditError } from '../audit-errors';

/** A public key of the audit log, in the forms it is published in. */
export interface AuditPublicKey {
  /** Lowercase hex SHA-256 of the raw key: what a tree head's keyId names. */
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** SPKI PEM */
  readonly pem: string;
  /** The raw 32-byte key in base64 */
  readonly base64: string;
  /** true for the key that signs new heads; false for retired keys, which only verify older ones. */
  readonly current: boolean;
}

export function describePublicKey(publicKey: KeyObject, current: boolean): AuditPublicKey {
  return {
    keyId: keyIdOf(publicKey),
    publicKey,
    pem: publicKeyToPem(publicKey),
    base64: publicKeyToRaw(publicKey).toString('base64'),
    current,
  };
}

/**
 * AUDIT_RETIRED_PUBLIC_KEYS: comma-separated raw base64 keys or SPKI PEMs, read with the config's
 * parser (the one that validated them at boot), so a value the config accepts is never refused here.
 */
export function parseRetiredPublicKeys(text: string | undefined): KeyObject[] {
  try {
    return parsePublicKeyList(text ?? '');
  } catch (error) {
    throw new AuditError('AUDIT_KEY_INVALID', `AUDIT_RETIRED_PUBLIC_KEYS ${(error as Error).message}`);
  }
}
