import type { KeyObject } from 'node:crypto';
import type { SignedTreeHead } from '@ai-commons/audit-proofs';
import type { AuditKeys } from '../keys/audit-keys';

/**
 * The public keys that signed `heads`, in the order they first signed one (a rotation shows as
 * old key, then new key). A keyId the platform no longer knows (not configured in
 * AUDIT_RETIRED_PUBLIC_KEYS) is left out: the bundle's key list is informative only, and the
 * verifier fails such heads unless that key was pinned out of band anyway.
 */
export function headSigningKeys(heads: readonly SignedTreeHead[], keys: AuditKeys): KeyObject[] {
  const keyIds = [...new Set(heads.map((head) => head.keyId))];
  return keyIds.flatMap((keyId) => {
    const known = keys.publicKeyById(keyId);
    return known ? [known.publicKey] : [];
  });
}
