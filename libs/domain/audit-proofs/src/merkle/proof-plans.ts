import { AuditProofError } from '../errors';
import { assertTreeSize, largestPowerOfTwoBelow, NodeId, perfectSubtreesCovering } from './tree-math';

/**
 * One element of an inclusion or consistency proof: the MTH of leaves [begin, end). That range is
 * a node of the RFC 9162 tree; when it lies on the tree's right edge it is not a stored perfect
 * subtree, so its hash is folded (from the right) from the stored subtrees listed in `nodes`.
 */
export interface ProofElementPlan {
  readonly begin: number;
  readonly end: number;
  readonly nodes: readonly NodeId[];
}

/**
 * Which stored perfect-subtree hashes a proof needs and how to combine them. `nodes` is every
 * NodeId of every element, left to right per element, with no duplicates (elements are disjoint
 * ranges): fetch them in one query, then call assembleProof.
 */
export interface ProofPlan {
  readonly elements: readonly ProofElementPlan[];
  readonly nodes: readonly NodeId[];
}

/** Stored subtrees whose right fold is MTH(D[0:treeSize]); empty for the empty tree. */
export function rootPlan(treeSize: number): readonly NodeId[] {
  assertTreeSize(treeSize, 'treeSize');
  return perfectSubtreesCovering(0, treeSize);
}

/** RFC 9162 §2.1.3.1 PATH(m, D[0:n]) expressed as ranges, innermost element first. */
export function inclusionProofPlan(leafIndex: number, treeSize: number): ProofPlan {
  assertTreeSize(leafIndex, 'leafIndex');
  assertTreeSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) {
    throw new AuditProofError('LEAF_INDEX_OUT_OF_RANGE', `leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  }
  // Walk from the root down to the leaf; PATH appends the outer sibling after the inner path,
  // so the collected elements are reversed at the end.
  const outerFirst: ProofElementPlan[] = [];
  let begin = 0;
  let end = treeSize;
  while (end - begin > 1) {
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (leafIndex < split) {
      outerFirst.push(element(split, end));
      end = split;
    } else {
      outerFirst.push(element(begin, split));
      begin = split;
    }
  }
  return plan(outerFirst.reverse());
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) expressed as ranges. */
export function consistencyProofPlan(fromSize: number, toSize: number): ProofPlan {
  assertTreeSize(fromSize, 'fromSize');
  assertTreeSize(toSize, 'toSize');
  if (fromSize > toSize) {
    throw new AuditProofError('CONSISTENCY_SIZES_INVALID', `cannot prove ${fromSize} → ${toSize}: the tree only grows`);
  }
  // The empty tree and an unchanged tree need no proof.
  if (fromSize === 0 || fromSize === toSize) return plan([]);
  const outerFirst: ProofElementPlan[] = [];
  let begin = 0;
  let end = toSize;
  let isWholeOldTree = true;
  for (;;) {
    if (fromSize === end) {
      // SUBPROOF(m, D[0:m], b): the old root itself is known to the verifier only while b is true.
      if (!isWholeOldTree) outerFirst.push(element(begin, end));
      break;
    }
    const split = begin + largestPowerOfTwoBelow(end - begin);
    if (fromSize <= split) {
      outerFirst.push(element(split, end));
      end = split;
    } else {
      outerFirst.push(element(begin, split));
      begin = split;
      isWholeOldTree = false;
    }
  }
  return plan(outerFirst.reverse());
}

function element(begin: number, end: number): ProofElementPlan {
  return { begin, end, nodes: perfectSubtreesCovering(begin, end) };
}

function plan(elements: ProofElementPlan[]): ProofPlan {
  return { elements, nodes: elements.flatMap((e) => e.nodes) };
}
