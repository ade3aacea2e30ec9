import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalBytes } from '@ai-commons/audit-proofs';

/** Domain separation: a report signature can never be taken for a tree-head signature. */
export const REPORT_PURPOSE = 'ai-commons/isolation-report';
export const REPORT_FORMAT_VERSION = 1;

export interface ReportSignature {
  algorithm: 'Ed25519';
  keyId: string;
  /** SHA-256 (hex) of the report's RFC 8785 canonical JSON. */
  sha256: string;
  /** Base64 Ed25519 signature over the canonical JSON bytes. */
  value: string;
  publicKeyPem: string;
}

/** Signs a report: Ed25519 over its canonical JSON (RFC 8785), so any verifier can recompute the bytes. */
export function signReport(report: Record<string, unknown>, privateKey: KeyObject, keyId: string, publicKeyPem: string): ReportSignature {
  const bytes = canonicalBytes(report);
  return {
    algorithm: 'Ed25519',
    keyId,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    value: sign(null, bytes, privateKey).toString('base64'),
    publicKeyPem,
  };
}

/**
 * A stored report's signature as it is downloaded: `publicKeyPem` is the public key `keyId` names
 * (current or retired), or null when that key is no longer configured — never another key's PEM
 * under this keyId.
 */
export type DownloadedReportSignature = Omit<ReportSignature, 'publicKeyPem'> & { publicKeyPem: string | null };

export function storedReportSignature(
  stored: { keyId: string; sha256: string; value: string },
  publicKeyById: (keyId: string) => { readonly pem: string } | undefined,
): DownloadedReportSignature {
  return { algorithm: 'Ed25519', keyId: stored.keyId, sha256: stored.sha256, value: stored.value, publicKeyPem: publicKeyById(stored.keyId)?.pem ?? null };
}

export function verifyReport(report: Record<string, unknown>, signature: { value: string }, publicKey: KeyObject): boolean {
  // Re-read as plain JSON data (a parsed download may come from another realm, e.g. fetch's).
  const plain = JSON.parse(JSON.stringify(report)) as unknown;
  return verify(null, canonicalBytes(plain), publicKey, Buffer.from(signature.value, 'base64'));
}
