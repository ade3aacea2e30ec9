import { AuditProofError } from '../errors';
import { assertHashLength, emptyRootHash, nodeHash } from './hashing';
import { consistencyProofPlan, inclusionProofPlan, ProofPlan, rootPlan } from './proof-plans';
import { NodeHash, NodeId } from './tree-math';

/** Returns the stored hash of a perfect subtree; throws if the storage does not have it. */
export type NodeLookup = (node: NodeId) => Uint8Array;

/**
 * Indexes hashes fetched for a plan (e.g. the rows of one `WHERE (level, index) IN (…)` query)
 * into a NodeLookup that throws AuditProofError('NODE_NOT_FOUND') for anything missing.
 */
export function nodeLookupFrom(entries: Iterable<NodeHash>): NodeLookup {
  const byKey = new Map<string, Uint8Array>();
  for (const entry of entries) {
    assertHashLength(entry.hash, `hash of node (${entry.level}, ${entry.index})`);
    byKey.set(nodeKey(entry), entry.hash);
  }
  return (node) => {
    const found = byKey.get(nodeKey(node));
    if (found === undefined) {
      throw new AuditProofError('NODE_NOT_FOUND', `no stored hash for node level ${node.level} index ${node.index}`);
    }
    return found;
  };
}

/** Stable text key of a node, e.g. for maps and caches. */
export function nodeKey(node: NodeId): string {
  return `${node.level}:${node.index}`;
}

/** MTH of the range covered by consecutive perfect subtrees, folded from the right. */
export function foldSubtreeHashes(hashes: readonly Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRootHash();
  let accumulated = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) accumulated = nodeHash(hashes[i]!, accumulated);
  return accumulated;
}

/** Builds the proof a plan describes from stored subtree hashes. */
export function assembleProof(plan: ProofPlan, lookup: NodeLookup): Uint8Array[] {
  return plan.elements.map((element) => foldSubtreeHashes(element.nodes.map((node) => lookup(node))));
}

export function rootFromNodeLookup(treeSize: number, lookup: NodeLookup): Uint8Array {
  return foldSubtreeHashes(rootPlan(treeSize).map((node) => lookup(node)));
}

export function inclusionProofFromNodeLookup(leafIndex: number, treeSize: number, lookup: NodeLookup): Uint8Array[] {
  return assembleProof(inclusionProofPlan(leafIndex, treeSize), lookup);
}

export function consistencyProofFromNodeLookup(fromSize: number, toSize: number, lookup: NodeLookup): Uint8Array[] {
  return assembleProof(consistencyProofPlan(fromSize, toSize), lookup);
}
