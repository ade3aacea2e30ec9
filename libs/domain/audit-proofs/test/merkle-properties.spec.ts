import fc from 'fast-check';
import {
  appendLeaves,
  AuditProofError,
  consistencyProofFromLeafHashes,
  consistencyProofFromNodeLookup,
  consistencyProofPlan,
  EMPTY_FRONTIER,
  Frontier,
  frontierFromNodeLookup,
  frontierRoot,
  InclusionBatchVerifier,
  inclusionProofFromLeafHashes,
  inclusionProofFromNodeLookup,
  inclusionProofPlan,
  nodeHash,
  NodeId,
  nodeKey,
  rootFromInclusionProof,
  rootFromLeafHashes,
  rootFromNodeLookup,
  rootPlan,
  StreamingTreeBuilder,
  verifyConsistency,
  verifyInclusion,
} from '../src';
import { allPerfectSubtrees, flipBit, hex, storedNodeLookup, syntheticLeafHashes } from './merkle-fixtures';

const RUNS = { numRuns: 150 };

/** Tree size, with leaf hashes and a lookup over all its stored perfect subtrees. */
const treeArbitrary = fc.integer({ min: 1, max: 160 }).map((size) => {
  const leaves = syntheticLeafHashes(size, size);
  return { size, leaves, lookup: storedNodeLookup(leaves) };
});

function failsWithProofError(run: () => unknown): boolean {
  try {
    run();
    return false;
  } catch (error) {
    if (error instanceof AuditProofError) return true;
    throw error;
  }
}

describe('inclusion proofs', () => {
  it('verify for every leaf of every size, and the storage plan yields the reference proof', () => {
    fc.assert(
      fc.property(
        treeArbitrary.chain((tree) => fc.tuple(fc.constant(tree), fc.nat(tree.size - 1))),
        ([tree, leafIndex]) => {
          const reference = inclusionProofFromLeafHashes(tree.leaves, leafIndex);
          expect(inclusionProofFromNodeLookup(leafIndex, tree.size, tree.lookup).map(hex)).toEqual(reference.map(hex));
          const rootHash = rootFromLeafHashes(tree.leaves);
          expect(hex(rootFromNodeLookup(tree.size, tree.lookup))).toBe(hex(rootHash));
          verifyInclusion({ leafIndex, treeSize: tree.size, leafHash: tree.leaves[leafIndex]!, proof: reference, rootHash });
        },
      ),
      RUNS,
    );
  });

  it('fail when any bit of the leaf, a proof element or the root flips', () => {
    fc.assert(
      fc.property(
        treeArbitrary.chain((tree) => fc.tuple(fc.constant(tree), fc.nat(tree.size - 1), fc.nat(), fc.nat(31), fc.nat(7))),
        ([tree, leafIndex, target, byte, bit]) => {
          const proof = inclusionProofFromLeafHashes(tree.leaves, leafIndex);
          const input = { leafIndex, treeSize: tree.size, leafHash: tree.leaves[leafIndex]!, proof, rootHash: rootFromLeafHashes(tree.leaves) };
          const slot = target % (proof.length + 2);
          const tampered =
            slot === 0
              ? { ...input, leafHash: flipBit(input.leafHash, byte, bit) }
              : slot === 1
                ? { ...input, rootHash: flipBit(input.rootHash, byte, bit) }
                : { ...input, proof: proof.map((p, i) => (i === slot - 2 ? flipBit(p, byte, bit) : p)) };
          expect(failsWithProofError(() => verifyInclusion(tampered))).toBe(true);
        },
      ),
      RUNS,
    );
  });

  it('plans need at most 2·log2(n) stored nodes, all complete at size n', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, m]) => {
          const plan = inclusionProofPlan(m, n);
          expect(plan.nodes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 1);
          expect(plan.nodes.every((node) => isStoredAt(node, n))).toBe(true);
          // The leaf and the proof elements partition the tree: every leaf is accounted for exactly once.
          const ranges = [[m, m + 1], ...plan.elements.map((e) => [e.begin, e.end])].sort((a, b) => a[0]! - b[0]!);
          expect(ranges[0]![0]).toBe(0);
          ranges.forEach((range, i) => expect(range[0]).toBe(i === 0 ? 0 : ranges[i - 1]![1]));
          expect(ranges[ranges.length - 1]![1]).toBe(n);
        },
      ),
      RUNS,
    );
  });

  it('verify for sizes up to 2^53 - 1 (no 32-bit arithmetic)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }))),
        ([n, m]) => {
          const proof = inclusionProofFromNodeLookup(m, n, uniformTreeLookup);
          expect(hex(rootFromInclusionProof(m, n, uniformTreeLookup({ level: 0, index: m }), proof))).toBe(hex(rootFromNodeLookup(n, uniformTreeLookup)));
        },
      ),
      RUNS,
    );
  });
});

describe('consistency proofs', () => {
  const sizesArbitrary = treeArbitrary.chain((tree) => fc.tuple(fc.constant(tree), fc.integer({ min: 0, max: tree.size })));

  it('verify for every pair of sizes, and the storage plan yields the reference proof', () => {
    fc.assert(
      fc.property(sizesArbitrary, ([tree, fromSize]) => {
        const reference = consistencyProofFromLeafHashes(tree.leaves, fromSize);
        expect(consistencyProofFromNodeLookup(fromSize, tree.size, tree.lookup).map(hex)).toEqual(reference.map(hex));
        verifyConsistency({
          fromSize,
          toSize: tree.size,
          fromRoot: rootFromLeafHashes(tree.leaves.slice(0, fromSize)),
          toRoot: rootFromLeafHashes(tree.leaves),
          proof: reference,
        });
      }),
      RUNS,
    );
  });

  it('fail when any bit of either root or a proof element flips', () => {
    // From the empty tree there is nothing to prove, so the later root is not examined at all.
    const nonEmptyFrom = treeArbitrary.chain((tree) => fc.tuple(fc.constant(tree), fc.integer({ min: 1, max: tree.size })));
    fc.assert(
      fc.property(nonEmptyFrom, fc.nat(), fc.nat(31), fc.nat(7), ([tree, fromSize], target, byte, bit) => {
        const proof = consistencyProofFromLeafHashes(tree.leaves, fromSize);
        const input = {
          fromSize,
          toSize: tree.size,
          fromRoot: rootFromLeafHashes(tree.leaves.slice(0, fromSize)),
          toRoot: rootFromLeafHashes(tree.leaves),
          proof,
        };
        const slot = target % (proof.length + 2);
        const tampered =
          slot === 0
            ? { ...input, fromRoot: flipBit(input.fromRoot, byte, bit) }
            : slot === 1
              ? { ...input, toRoot: flipBit(input.toRoot, byte, bit) }
              : { ...input, proof: proof.map((p, i) => (i === slot - 2 ? flipBit(p, byte, bit) : p)) };
        expect(failsWithProofError(() => verifyConsistency(tampered))).toBe(true);
      }),
      RUNS,
    );
  });

  it('plans need O(log n) stored nodes for sizes up to 2^53 - 1 and verify there', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))),
        ([m, n]) => {
          const plan = consistencyProofPlan(m, n);
          expect(plan.nodes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 2);
          expect(plan.nodes.every((node) => isStoredAt(node, n))).toBe(true);
          const proof = consistencyProofFromNodeLookup(m, n, uniformTreeLookup);
          const fromRoot = rootFromNodeLookup(m, uniformTreeLookup);
          const toRoot = rootFromNodeLookup(n, uniformTreeLookup);
          verifyConsistency({ fromSize: m, toSize: n, fromRoot, toRoot, proof });
        },
      ),
      RUNS,
    );
  });
});

describe('frontier appender', () => {
  it('matches the reference root after every batch and persists each perfect subtree exactly once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), (size, cuts) => {
        const leaves = syntheticLeafHashes(size, 7);
        const boundaries = [...new Set([0, ...cuts.map((c) => Math.min(c * 5, size)), size])].sort((a, b) => a - b);
        let frontier: Frontier = EMPTY_FRONTIER;
        const persisted = new Map<string, string>();
        boundaries.slice(1).forEach((end, i) => {
          const result = appendLeaves(frontier, leaves.slice(boundaries[i], end));
          expect(hex(result.rootHash)).toBe(hex(rootFromLeafHashes(leaves.slice(0, end))));
          for (const node of result.completedNodes) {
            expect(persisted.has(nodeKey(node))).toBe(false);
            persisted.set(nodeKey(node), hex(node.hash));
          }
          frontier = result.frontier;
        });
        const expected = new Map(allPerfectSubtrees(leaves).map((node) => [nodeKey(node), hex(node.hash)]));
        expect(persisted).toEqual(expected);
        expect(frontier.nodes.map(nodeKey)).toEqual(rootPlan(size).map(nodeKey));
      }),
      RUNS,
    );
  });

  it('can resume from a frontier loaded from storage, like the streaming builder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 120 }), (start, extra) => {
        const leaves = syntheticLeafHashes(start + extra, 3);
        const lookup = storedNodeLookup(leaves.slice(0, start));
        const frontier = frontierFromNodeLookup(start, lookup);
        expect(hex(frontierRoot(frontier))).toBe(hex(rootFromLeafHashes(leaves.slice(0, start))));
        const appended = appendLeaves(frontier, leaves.slice(start));
        const builder = new StreamingTreeBuilder(
          start,
          frontier.nodes.map((n) => n.hash),
        );
        leaves.slice(start).forEach((leaf) => builder.append(leaf));
        const reference = hex(rootFromLeafHashes(leaves));
        expect(hex(appended.rootHash)).toBe(reference);
        expect(hex(builder.rootHash())).toBe(reference);
        expect(builder.treeSize).toBe(start + extra);
      }),
      RUNS,
    );
  });

  it('rejects a frontier that does not match its tree size', () => {
    const leaves = syntheticLeafHashes(6);
    const { frontier } = appendLeaves(EMPTY_FRONTIER, leaves);
    expect(() => appendLeaves({ treeSize: 7, nodes: frontier.nodes }, [])).toThrow(expect.objectContaining({ code: 'FRONTIER_INVALID' }));
    expect(
      () =>
        new StreamingTreeBuilder(
          7,
          frontier.nodes.map((n) => n.hash),
        ),
    ).toThrow(expect.objectContaining({ code: 'FRONTIER_INVALID' }));
  });
});

describe('InclusionBatchVerifier', () => {
  it('gives the same verdict as verifyInclusion for any sequence of genuine and tampered proofs', () => {
    const scenario = treeArbitrary.chain((tree) =>
      fc.tuple(
        fc.constant(tree),
        fc.shuffledSubarray(
          Array.from({ length: tree.size }, (_, i) => i),
          { minLength: 1 },
        ),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: -1, max: 40 }), fc.nat(31)), { maxLength: 4 }),
      ),
    );
    fc.assert(
      fc.property(scenario, ([tree, order, tampers]) => {
        const rootHash = rootFromLeafHashes(tree.leaves);
        const batch = new InclusionBatchVerifier(tree.size, rootHash);
        order.forEach((leafIndex, position) => {
          let leafHash: Uint8Array = tree.leaves[leafIndex]!;
          let proof = inclusionProofFromLeafHashes(tree.leaves, leafIndex);
          for (const [at, element, byte] of tampers) {
            if (at % order.length !== position) continue;
            if (element < 0 || proof.length === 0) leafHash = flipBit(leafHash, byte, 0);
            else proof = proof.map((p, i) => (i === element % proof.length ? flipBit(p, byte, 1) : p));
          }
          const individual = !failsWithProofError(() => verifyInclusion({ leafIndex, treeSize: tree.size, leafHash, proof, rootHash }));
          const batched = !failsWithProofError(() => batch.verify(leafIndex, leafHash, proof));
          expect(batched).toBe(individual);
        });
      }),
      RUNS,
    );
  });

  it('rejects a proof whose upper part deviates from the authenticated path', () => {
    const leaves = syntheticLeafHashes(64);
    const batch = new InclusionBatchVerifier(64, rootFromLeafHashes(leaves));
    batch.verify(10, leaves[10]!, inclusionProofFromLeafHashes(leaves, 10));
    const proof = inclusionProofFromLeafHashes(leaves, 11);
    const forgedTop = proof.map((p, i) => (i === proof.length - 1 ? flipBit(p, 0, 0) : p));
    expect(() => batch.verify(11, leaves[11]!, forgedTop)).toThrow(expect.objectContaining({ code: 'ROOT_MISMATCH' }));
    expect(() => batch.verify(11, leaves[11]!, proof)).not.toThrow();
  });
});

// A virtual tree whose leaves all share one hash: every perfect subtree of a level has the same,
// cheaply computed hash, so trees of 2^53 leaves can be exercised.
const uniformLevelHashes: Buffer[] = [Buffer.alloc(32, 0xab)];
for (let level = 1; level <= 53; level++) uniformLevelHashes.push(nodeHash(uniformLevelHashes[level - 1]!, uniformLevelHashes[level - 1]!));
function uniformTreeLookup(node: NodeId): Buffer {
  return uniformLevelHashes[node.level]!;
}

function isStoredAt(node: NodeId, treeSize: number): boolean {
  return Number.isSafeInteger(node.index) && node.index >= 0 && (node.index + 1) * 2 ** node.level <= treeSize;
}
