import { AuditProofError } from '../errors';

// Tree sizes and leaf indexes are plain numbers up to 2^53 - 1. JavaScript bit operators work on
// 32 bits, so all shifts here are exact divisions and multiplications by powers of two.

/**
 * A perfect subtree aligned to its size: leaves [index·2^level, (index+1)·2^level).
 * Level 0 nodes are the leaves themselves. This is the storage key of every persisted hash.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A perfect subtree together with its hash, as persisted by the storage layer. */
export interface NodeHash extends NodeId {
  readonly hash: Uint8Array;
}

export function assertTreeSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AuditProofError('INVALID_ARGUMENT', `${what} must be a non-negative safe integer, got ${value}`);
  }
}

export function isPowerOfTwo(value: number): boolean {
  if (value < 1) return false;
  let v = value;
  while (v % 2 === 0) v /= 2;
  return v === 1;
}

/** Largest power of two strictly smaller than value (value ≥ 2): the split point k of RFC 9162 §2.1.1. */
export function largestPowerOfTwoBelow(value: number): number {
  let power = 1;
  while (power * 2 < value) power *= 2;
  return power;
}

/** floor(log2(value)) for value ≥ 1. */
export function floorLog2(value: number): number {
  let level = 0;
  let power = 1;
  while (power * 2 <= value) {
    power *= 2;
    level++;
  }
  return level;
}

/** Number of trailing zero bits of a positive integer. */
export function trailingZeros(value: number): number {
  let count = 0;
  let v = value;
  while (v % 2 === 0) {
    v /= 2;
    count++;
  }
  return count;
}

export function popCount(value: number): number {
  let count = 0;
  let v = value;
  while (v > 0) {
    if (v % 2 === 1) count++;
    v = Math.floor(v / 2);
  }
  return count;
}

export function nodeBegin(node: NodeId): number {
  return node.index * 2 ** node.level;
}

export function nodeEnd(node: NodeId): number {
  return (node.index + 1) * 2 ** node.level;
}

/**
 * The fewest aligned perfect subtrees exactly covering leaves [begin, end), left to right
 * (the "compact range" of the interval). For begin = 0 they are the tree's right-edge frontier;
 * for a range that is a node of the RFC 9162 tree, folding their hashes from the right with
 * nodeHash gives that node's MTH.
 */
export function perfectSubtreesCovering(begin: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let position = begin;
  while (position < end) {
    const alignment = position === 0 ? Number.POSITIVE_INFINITY : trailingZeros(position);
    const level = Math.min(alignment, floorLog2(end - position));
    const size = 2 ** level;
    nodes.push({ level, index: position / size });
    position += size;
  }
  return nodes;
}
