import { AuditProofError } from '../errors';
import { assertHashLength, nodeHash } from './hashing';
import { NodeLookup, foldSubtreeHashes } from './node-lookup';
import { rootPlan } from './proof-plans';
import { assertTreeSize, NodeHash } from './tree-math';

/**
 * The right edge of a tree of `treeSize` leaves: the perfect subtrees covering [0, treeSize),
 * largest (leftmost) first — exactly rootPlan(treeSize). O(log n) hashes are all the append path
 * needs to keep in memory.
 */
export interface Frontier {
  readonly treeSize: number;
  readonly nodes: readonly NodeHash[];
}

export interface AppendResult {
  readonly frontier: Frontier;
  /** MTH of the grown tree. */
  readonly rootHash: Uint8Array;
  /**
   * Every perfect subtree completed by this batch, in creation order: each appended leaf
   * (level 0, index = its leaf index) followed by the parents it completed. Persisting these
   * is what makes any later root or proof an O(log n) lookup.
   */
  readonly completedNodes: readonly NodeHash[];
}

export const EMPTY_FRONTIER: Frontier = { treeSize: 0, nodes: [] };

/** Appends a batch of leaf hashes (e.g. one group commit) to the tree whose edge is `frontier`. */
export function appendLeaves(frontier: Frontier, leafHashes: readonly Uint8Array[]): AppendResult {
  assertValidFrontier(frontier);
  const edge: NodeHash[] = [...frontier.nodes];
  const completedNodes: NodeHash[] = [];
  let treeSize = frontier.treeSize;
  for (const hash of leafHashes) {
    assertHashLength(hash, `leaf hash ${treeSize}`);
    let node: NodeHash = { level: 0, index: treeSize, hash };
    completedNodes.push(node);
    treeSize += 1;
    // Each trailing zero bit of the new size closes one more perfect subtree on the edge.
    for (let size = treeSize; size % 2 === 0; size /= 2) {
      const left = edge.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      completedNodes.push(node);
    }
    edge.push(node);
  }
  const grown: Frontier = { treeSize, nodes: edge };
  return { frontier: grown, rootHash: frontierRoot(grown), completedNodes };
}

export function frontierRoot(frontier: Frontier): Uint8Array {
  return foldSubtreeHashes(frontier.nodes.map((node) => node.hash));
}

/** Loads the frontier of a stored tree (e.g. when the append service starts). */
export function frontierFromNodeLookup(treeSize: number, lookup: NodeLookup): Frontier {
  return { treeSize, nodes: rootPlan(treeSize).map((node) => ({ ...node, hash: lookup(node) })) };
}

export function assertValidFrontier(frontier: Frontier): void {
  assertTreeSize(frontier.treeSize, 'frontier treeSize');
  const expected = rootPlan(frontier.treeSize);
  const matches =
    expected.length === frontier.nodes.length &&
    expected.every((node, i) => node.level === frontier.nodes[i]!.level && node.index === frontier.nodes[i]!.index);
  if (!matches) {
    throw new AuditProofError('FRONTIER_INVALID', `frontier nodes do not cover [0, ${frontier.treeSize}) as perfect subtrees`);
  }
  frontier.nodes.forEach((node) => assertHashLength(node.hash, `frontier node (${node.level}, ${node.index})`));
}
