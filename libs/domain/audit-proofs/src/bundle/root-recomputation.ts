import { bytesEqual, fromHex } from '../encoding';
import { isAuditProofError } from '../errors';
import { verifyConsistency } from '../merkle/proof-verification';
import { StreamingTreeBuilder } from '../merkle/streaming-tree-builder';
import { RangeProof } from './bundle-proofs';
import { FailureCollector } from './failure-collector';
import { LeafCheck } from './leaf-check';
import { CheckedTreeHead } from './tree-head-checks';

/**
 * Full bundles: rebuild the tree over the exported range and compare with every signed head whose
 * size falls inside it, then prove the range's end consistent with the latest head. About one node
 * hash per event instead of a log2(n)-hash proof per event.
 */
export class RootRecomputation implements LeafCheck {
  private readonly builder: StreamingTreeBuilder;
  private nextHead = 0;
  private matched = 0;

  constructor(
    private readonly heads: readonly CheckedTreeHead[],
    private readonly latest: CheckedTreeHead,
    private readonly range: RangeProof,
    private readonly collector: FailureCollector,
  ) {
    this.builder = new StreamingTreeBuilder(
      range.startSize,
      range.startFrontier.map((hex) => fromHex(hex)),
    );
    this.compareHeadsAtCurrentSize();
  }

  get verifiedCount(): number {
    return this.matched;
  }

  accept(leafIndex: number, leafHash: Uint8Array, line: number): void {
    if (this.builder.treeSize === this.range.startSize && leafIndex !== this.range.startSize) {
      this.collector.fail('RANGE_PROOF_INVALID', `the export starts at leaf ${leafIndex} but its range proof at leaf ${this.range.startSize}`, {
        leafIndex,
        line,
      });
    }
    this.builder.append(leafHash);
    if (this.builder.treeSize === this.nextHeadSize()) this.compareHeadsAtCurrentSize();
  }

  finish(): void {
    const { startSize, endSize, endToLatest } = this.range;
    if (this.builder.treeSize !== endSize) {
      this.collector.fail(
        'RANGE_PROOF_INVALID',
        `the events cover leaves [${startSize}, ${this.builder.treeSize}) but the range proof covers [${startSize}, ${endSize})`,
      );
      return;
    }
    // A head of exactly endSize was compared directly while streaming.
    if (endSize === this.latest.head.treeSize) return;
    try {
      verifyConsistency({
        fromSize: endSize,
        toSize: this.latest.head.treeSize,
        fromRoot: this.builder.rootHash(),
        toRoot: this.latest.rootHash,
        proof: endToLatest.map((hex) => fromHex(hex)),
      });
      this.matched++;
    } catch (error) {
      if (!isAuditProofError(error)) throw error;
      this.collector.fail(
        'TREE_ROOT_MISMATCH',
        `the tree recomputed from leaves [${startSize}, ${endSize}) is not a prefix of the latest tree head (size ${this.latest.head.treeSize}): ${error.message}`,
        { treeSize: this.latest.head.treeSize },
      );
    }
  }

  private nextHeadSize(): number | undefined {
    while (this.nextHead < this.heads.length && this.heads[this.nextHead]!.head.treeSize < this.builder.treeSize) this.nextHead++;
    return this.heads[this.nextHead]?.head.treeSize;
  }

  private compareHeadsAtCurrentSize(): void {
    const size = this.builder.treeSize;
    if (this.nextHeadSize() !== size) return;
    const root = this.builder.rootHash();
    while (this.nextHead < this.heads.length && this.heads[this.nextHead]!.head.treeSize === size) {
      const head = this.heads[this.nextHead++]!;
      if (bytesEqual(root, head.rootHash)) {
        this.matched++;
      } else {
        this.collector.fail(
          'TREE_ROOT_MISMATCH',
          `the root recomputed from the exported events differs from the signed tree head of size ${size} (line ${head.line})`,
          { treeSize: size, line: head.line },
        );
      }
    }
  }
}
