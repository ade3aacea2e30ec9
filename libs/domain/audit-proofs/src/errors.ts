/** Machine-readable reasons a proof, signature, key or canonicalization step was rejected. */
export type AuditProofErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NON_CANONICALIZABLE_VALUE'
  | 'MALFORMED_ENCODING'
  | 'INVALID_HASH_LENGTH'
  | 'LEAF_INDEX_OUT_OF_RANGE'
  | 'PROOF_LENGTH_MISMATCH'
  | 'ROOT_MISMATCH'
  | 'CONSISTENCY_SIZES_INVALID'
  | 'CONSISTENCY_FIRST_ROOT_MISMATCH'
  | 'CONSISTENCY_SECOND_ROOT_MISMATCH'
  | 'NODE_NOT_FOUND'
  | 'FRONTIER_INVALID'
  | 'MALFORMED_TREE_HEAD'
  | 'INVALID_KEY'
  | 'KEY_ID_MISMATCH'
  | 'INVALID_SIGNATURE'
  | 'MALFORMED_BUNDLE';

export class AuditProofError extends Error {
  constructor(
    readonly code: AuditProofErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditProofError';
  }
}

export function isAuditProofError(error: unknown): error is AuditProofError {
  return error instanceof AuditProofError;
}
