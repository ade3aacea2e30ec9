// Verifies, in the browser, a signed isolation report ({ report, signature }, as downloaded) against
// the pinned key: the key id, the SHA-256 of the report's canonical JSON, the Ed25519 signature.
import { base64ToBytes, bytesToHex, concat, sha256 } from './bytes';
import { canonicalJson } from './canonical-json';
import type { PinnedKey } from './pinned-key';

export const REPORT_PURPOSE = 'ai-commons/isolation-report';

export interface SignedIsolationReport {
  readonly report: Record<string, unknown>;
  readonly signature: { readonly keyId: string; readonly sha256: string; readonly value: string };
}

export type ReportCheck = 'purpose' | 'key-id' | 'sha256' | 'signature';
export type ReportVerification = { ok: true; sha256: string } | { ok: false; check: ReportCheck; detail: string };

export async function verifyIsolationReport(signed: SignedIsolationReport, key: PinnedKey): Promise<ReportVerification> {
  if (signed.report['purpose'] !== REPORT_PURPOSE) return { ok: false, check: 'purpose', detail: 'not an isolation report' };
  if (signed.signature.keyId !== key.keyId) return { ok: false, check: 'key-id', detail: `signed by ${signed.signature.keyId.slice(0, 16)}…` };
  const bytes = new TextEncoder().encode(canonicalJson(signed.report));
  const digest = bytesToHex(await sha256(bytes));
  if (digest !== signed.signature.sha256) return { ok: false, check: 'sha256', detail: `computed ${digest.slice(0, 16)}…` };
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(signed.signature.value);
  } catch {
    return { ok: false, check: 'signature', detail: 'signature is not base64' };
  }
  const publicKey = await crypto.subtle.importKey('raw', concat(key.raw), { name: 'Ed25519' }, false, ['verify']);
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, concat(signature), concat(bytes));
  return valid ? { ok: true, sha256: digest } : { ok: false, check: 'signature', detail: 'Ed25519 signature does not verify' };
}
