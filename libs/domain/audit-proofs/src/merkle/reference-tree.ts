import { AuditProofError } from '../errors';
import { assertHashLength, emptyRootHash, nodeHash } from './hashing';
import { largestPowerOfTwoBelow } from './tree-math';

// Literal transcriptions of the RFC 9162 §2.1 definitions over an in-memory list of leaf hashes.
// They are the reference the storage-backed planner and the streaming builders are tested against,
// and are fine for small trees; they recompute whole subtrees, so they are O(n) per call.

/** MTH(D[0:n]) from the leaf hashes (RFC 9162 §2.1.1). */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  leafHashes.forEach((h, i) => assertHashLength(h, `leaf hash ${i}`));
  if (leafHashes.length === 0) return emptyRootHash();
  return rangeHash(leafHashes, 0, leafHashes.length);
}

/** PATH(m, D[0:n]) (RFC 9162 §2.1.3.1). */
export function inclusionProofFromLeafHashes(leafHashes: readonly Uint8Array[], leafIndex: number): Uint8Array[] {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= leafHashes.length) {
    throw new AuditProofError('LEAF_INDEX_OUT_OF_RANGE', `leaf ${leafIndex} is not in a tree of size ${leafHashes.length}`);
  }
  return path(leafHashes, leafIndex, 0, leafHashes.length);
}

/** PROOF(m, D[0:n]) for n = leafHashes.length (RFC 9162 §2.1.4.1). */
export function consistencyProofFromLeafHashes(leafHashes: readonly Uint8Array[], fromSize: number): Uint8Array[] {
  if (!Number.isSafeInteger(fromSize) || fromSize < 0 || fromSize > leafHashes.length) {
    throw new AuditProofError('CONSISTENCY_SIZES_INVALID', `cannot prove ${fromSize} → ${leafHashes.length}`);
  }
  if (fromSize === 0 || fromSize === leafHashes.length) return [];
  return subproof(leafHashes, fromSize, 0, leafHashes.length, true);
}

function rangeHash(leaves: readonly Uint8Array[], begin: number, end: number): Uint8Array {
  if (end - begin === 1) return leaves[begin]!;
  const split = begin + largestPowerOfTwoBelow(end - begin);
  return nodeHash(rangeHash(leaves, begin, split), rangeHash(leaves, split, end));
}

function path(leaves: readonly Uint8Array[], m: number, begin: number, end: number): Uint8Array[] {
  if (end - begin === 1) return [];
  const split = begin + largestPowerOfTwoBelow(end - begin);
  return m < split ? [...path(leaves, m, begin, split), rangeHash(leaves, split, end)] : [...path(leaves, m, split, end), rangeHash(leaves, begin, split)];
}

function subproof(leaves: readonly Uint8Array[], m: number, begin: number, end: number, isWholeOldTree: boolean): Uint8Array[] {
  if (m === end) return isWholeOldTree ? [] : [rangeHash(leaves, begin, end)];
  const split = begin + largestPowerOfTwoBelow(end - begin);
  return m <= split
    ? [...subproof(leaves, m, begin, split, isWholeOldTree), rangeHash(leaves, split, end)]
    : [...subproof(leaves, m, split, end, false), rangeHash(leaves, begin, split)];
}
