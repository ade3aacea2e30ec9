import { BundleScope } from './bundle-manifest';

/** Why a bundle failed verification. Each code belongs to exactly one check. */
export type VerificationFailureCode =
  | 'MANIFEST_MALFORMED'
  | 'MANIFEST_MISMATCH'
  | 'NO_TREE_HEADS'
  | 'TREE_HEAD_MALFORMED'
  | 'TREE_HEAD_SIGNATURE_INVALID'
  | 'TREE_HEADS_OUT_OF_ORDER'
  | 'PROOFS_MALFORMED'
  | 'CONSISTENCY_PROOF_MISSING'
  | 'CONSISTENCY_PROOF_INVALID'
  | 'EVENT_MALFORMED'
  | 'EVENT_NOT_CANONICAL'
  | 'LEAF_INDEX_NOT_INCREASING'
  | 'LEAF_INDEX_GAP'
  | 'LEAF_INDEX_OUT_OF_RANGE'
  | 'INCLUSION_PROOF_MISSING'
  | 'INCLUSION_PROOF_INVALID'
  | 'EVENT_MISSING'
  | 'TREE_ROOT_MISMATCH'
  | 'RANGE_PROOF_INVALID';

export type VerificationCheckId =
  | 'manifest'
  | 'public-key'
  | 'tree-head-signatures'
  | 'tree-head-order'
  | 'proofs-document'
  | 'consistency'
  | 'event-encoding'
  | 'leaf-order'
  | 'inclusion'
  | 'tree-root';

export const CHECK_OF_FAILURE: Readonly<Record<VerificationFailureCode, VerificationCheckId>> = {
  MANIFEST_MALFORMED: 'manifest',
  MANIFEST_MISMATCH: 'manifest',
  NO_TREE_HEADS: 'tree-head-signatures',
  TREE_HEAD_MALFORMED: 'tree-head-signatures',
  TREE_HEAD_SIGNATURE_INVALID: 'tree-head-signatures',
  TREE_HEADS_OUT_OF_ORDER: 'tree-head-order',
  PROOFS_MALFORMED: 'proofs-document',
  CONSISTENCY_PROOF_MISSING: 'consistency',
  CONSISTENCY_PROOF_INVALID: 'consistency',
  EVENT_MALFORMED: 'event-encoding',
  EVENT_NOT_CANONICAL: 'event-encoding',
  LEAF_INDEX_NOT_INCREASING: 'leaf-order',
  LEAF_INDEX_GAP: 'leaf-order',
  LEAF_INDEX_OUT_OF_RANGE: 'leaf-order',
  INCLUSION_PROOF_MISSING: 'inclusion',
  INCLUSION_PROOF_INVALID: 'inclusion',
  EVENT_MISSING: 'inclusion',
  TREE_ROOT_MISMATCH: 'tree-root',
  RANGE_PROOF_INVALID: 'tree-root',
};

export interface VerificationFailure {
  readonly code: VerificationFailureCode;
  readonly check: VerificationCheckId;
  readonly message: string;
  readonly leafIndex?: number;
  readonly treeSize?: number;
  /** 1-based line in events.jsonl or tree-heads.jsonl, when the failure is about one line. */
  readonly line?: number;
}

export type VerificationWarningCode = 'PUBLIC_KEY_MISMATCH' | 'PUBLIC_KEY_MISSING' | 'PUBLIC_KEY_UNREADABLE';

export interface VerificationWarning {
  readonly code: VerificationWarningCode;
  readonly message: string;
}

export interface VerificationCheck {
  readonly id: VerificationCheckId;
  readonly title: string;
  /** warn: passed, with warnings that do not affect the verdict (only the public-key check). */
  readonly status: 'pass' | 'fail' | 'warn';
  readonly details: string;
  readonly failureCount: number;
}

export interface VerificationCounts {
  readonly events: number;
  readonly treeHeads: number;
  readonly signaturesVerified: number;
  readonly consistencyProofsVerified: number;
  readonly inclusionProofsVerified: number;
  readonly treeRootsMatched: number;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly scope: BundleScope;
  readonly institution: string | null;
  /** The first pinned key (kept for readers of single-key reports); see pinnedKeyIds. */
  readonly pinnedKeyId: string;
  /** Every pinned key, in the order given. */
  readonly pinnedKeyIds: readonly string[];
  readonly latestTreeSize: number | null;
  readonly checks: readonly VerificationCheck[];
  /** At most maxReportedFailures entries; see suppressedFailureCount for the rest. */
  readonly failures: readonly VerificationFailure[];
  readonly suppressedFailureCount: number;
  readonly warnings: readonly VerificationWarning[];
  readonly counts: VerificationCounts;
  readonly durationMs: number;
}
