import { KeyObject } from 'node:crypto';
import { AuditProofError } from '../errors';
import { importPublicKey, keyIdOf, publicKeyToPem } from '../tree-head/signing-keys';
import { asArray, asRecord, asString, parseJson } from './json-shape';

/**
 * public-keys.json: every key that signed one of the bundle's tree heads, oldest first, so that a
 * reader can see which keys to obtain and pin. Informative only, like public-key.pem: a verifier
 * never trusts a key because the bundle carries it. Bundles written before key rotation have no
 * such file.
 */
export interface BundledPublicKey {
  readonly keyId: string;
  /** SPKI PEM */
  readonly pem: string;
}

export function serializeBundledPublicKeys(keys: readonly KeyObject[]): string {
  const entries: BundledPublicKey[] = keys.map((key) => ({ keyId: keyIdOf(key), pem: publicKeyToPem(key) }));
  return `${JSON.stringify(entries, null, 2)}\n`;
}

/** Entries whose key cannot be read are returned with `key: null` and the reason, not thrown. */
export interface ParsedBundledPublicKey {
  readonly declaredKeyId: string;
  readonly key: KeyObject | null;
  readonly problem: string | null;
}

/** Throws MALFORMED_BUNDLE when the document itself is not a list of { keyId, pem }. */
export function parseBundledPublicKeys(text: string): ParsedBundledPublicKey[] {
  return asArray(parseJson(text, 'public-keys.json'), 'public-keys.json').map((value, i) => {
    const entry = asRecord(value, `public-keys.json entry ${i + 1}`, ['keyId', 'pem']);
    const declaredKeyId = asString(entry['keyId'], `public-keys.json entry ${i + 1} keyId`);
    const pem = asString(entry['pem'], `public-keys.json entry ${i + 1} pem`);
    try {
      return { declaredKeyId, key: importPublicKey(pem), problem: null };
    } catch (error) {
      if (!(error instanceof AuditProofError)) throw error;
      return { declaredKeyId, key: null, problem: error.message };
    }
  });
}
