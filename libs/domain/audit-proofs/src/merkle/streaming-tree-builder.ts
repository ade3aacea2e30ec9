import { AuditProofError } from '../errors';
import { assertHashLength, nodeHash } from './hashing';
import { foldSubtreeHashes } from './node-lookup';
import { assertTreeSize, popCount } from './tree-math';

/**
 * Recomputes tree roots from a stream of leaf hashes in O(log n) memory, without recording
 * nodes. It is the allocation-free twin of appendLeaves for verifiers that only need roots
 * (e.g. checking a 1M-event export against its signed tree heads).
 */
export class StreamingTreeBuilder {
  private readonly edge: Uint8Array[];
  private size: number;

  /** Starts after the first `treeSize` leaves, whose frontier hashes (largest subtree first) are given. */
  constructor(treeSize = 0, frontierHashes: readonly Uint8Array[] = []) {
    assertTreeSize(treeSize, 'treeSize');
    if (frontierHashes.length !== popCount(treeSize)) {
      throw new AuditProofError('FRONTIER_INVALID', `a tree of size ${treeSize} has ${popCount(treeSize)} frontier hashes, got ${frontierHashes.length}`);
    }
    frontierHashes.forEach((hash, i) => assertHashLength(hash, `frontier hash ${i}`));
    this.edge = [...frontierHashes];
    this.size = treeSize;
  }

  get treeSize(): number {
    return this.size;
  }

  append(leafHash: Uint8Array): void {
    assertHashLength(leafHash, 'leaf hash');
    let hash = leafHash;
    this.size += 1;
    for (let size = this.size; size % 2 === 0; size /= 2) hash = nodeHash(this.edge.pop()!, hash);
    this.edge.push(hash);
  }

  rootHash(): Uint8Array {
    return foldSubtreeHashes(this.edge);
  }
}
