import { createHash } from 'node:crypto';
import { NodeHash, NodeLookup, nodeLookupFrom, rootFromLeafHashes } from '../src';

/** Deterministic, distinct 32-byte leaf hashes for property tests (independent of leafHash). */
export function syntheticLeafHashes(count: number, seed = 0): Buffer[] {
  return Array.from({ length: count }, (_, i) => createHash('sha256').update(`leaf ${seed}/${i}`).digest());
}

/** Every perfect subtree of a tree, computed with the reference MTH: what the storage would hold. */
export function allPerfectSubtrees(leafHashes: readonly Uint8Array[]): NodeHash[] {
  const nodes: NodeHash[] = [];
  for (let level = 0; 2 ** level <= leafHashes.length; level++) {
    const size = 2 ** level;
    for (let index = 0; (index + 1) * size <= leafHashes.length; index++) {
      nodes.push({ level, index, hash: rootFromLeafHashes(leafHashes.slice(index * size, (index + 1) * size)) });
    }
  }
  return nodes;
}

export function storedNodeLookup(leafHashes: readonly Uint8Array[]): NodeLookup {
  return nodeLookupFrom(allPerfectSubtrees(leafHashes));
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function flipBit(bytes: Uint8Array, byteIndex: number, bit: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[byteIndex] = copy[byteIndex]! ^ (1 << bit);
  return copy;
}
