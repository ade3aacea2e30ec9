import { isAuditProofError } from '../errors';
import { InclusionBatchVerifier } from '../merkle/inclusion-batch-verifier';
import { InclusionProofEntry } from './bundle-proofs';
import { FailureCollector } from './failure-collector';
import { LeafCheck } from './leaf-check';
import { CheckedTreeHead } from './tree-head-checks';

/** Filtered bundles: each event's own inclusion proof against the latest head. */
export class InclusionCheck implements LeafCheck {
  private readonly verifier: InclusionBatchVerifier;
  private readonly pending: Map<number, InclusionProofEntry>;
  private verified = 0;
  // Consecutive proofs end in the same elements (parseProofs even shares the strings): decode those once.
  private previousHex: readonly string[] = [];
  private previousBytes: readonly Buffer[] = [];

  constructor(
    private readonly latest: CheckedTreeHead,
    proofs: readonly InclusionProofEntry[],
    private readonly collector: FailureCollector,
  ) {
    this.verifier = new InclusionBatchVerifier(latest.head.treeSize, latest.rootHash);
    this.pending = new Map(proofs.map((entry) => [entry.leafIndex, entry]));
  }

  get verifiedCount(): number {
    return this.verified;
  }

  accept(leafIndex: number, leafHash: Uint8Array, line: number): void {
    const entry = this.pending.get(leafIndex);
    if (entry === undefined) {
      this.collector.fail('INCLUSION_PROOF_MISSING', `leaf ${leafIndex} (line ${line}) has no inclusion proof`, { leafIndex, line });
      return;
    }
    this.pending.delete(leafIndex);
    try {
      this.verifier.verify(leafIndex, leafHash, this.decode(entry.proof));
      this.verified++;
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      this.collector.fail(
        'INCLUSION_PROOF_INVALID',
        `event at leaf ${leafIndex} (line ${line}) is not included in tree head ${this.latest.head.treeSize}: ${error.message}`,
        { leafIndex, line },
      );
    }
  }

  private decode(proof: readonly string[]): Buffer[] {
    const bytes = new Array<Buffer>(proof.length);
    let fromEnd = 0;
    for (; fromEnd < proof.length && fromEnd < this.previousHex.length; fromEnd++) {
      const i = proof.length - 1 - fromEnd;
      const j = this.previousHex.length - 1 - fromEnd;
      if (proof[i] !== this.previousHex[j]) break;
      bytes[i] = this.previousBytes[j]!;
    }
    // parseProofs already checked every element is 64 hex digits.
    for (let i = 0; i < proof.length - fromEnd; i++) bytes[i] = Buffer.from(proof[i]!, 'hex');
    this.previousHex = proof;
    this.previousBytes = bytes;
    return bytes;
  }

  finish(): void {
    for (const leafIndex of this.pending.keys()) {
      this.collector.fail('EVENT_MISSING', `the bundle proves leaf ${leafIndex} but does not contain its event`, { leafIndex });
    }
  }
}
