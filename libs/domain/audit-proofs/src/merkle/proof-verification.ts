import { bytesEqual } from '../encoding';
import { AuditProofError } from '../errors';
import { assertHashLength, emptyRootHash, nodeHash } from './hashing';
import { assertTreeSize, isPowerOfTwo } from './tree-math';

// RFC 9162 §2.1.3.2 and §2.1.4.2 verification, step by step. fn/sn are the RFC's variables;
// halving replaces the RFC's right shifts because indexes may exceed 32 bits.

export interface InclusionProofInput {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  readonly rootHash: Uint8Array;
}

export interface VerifiedInclusion {
  readonly leafIndex: number;
  readonly treeSize: number;
}

export interface ConsistencyProofInput {
  readonly fromSize: number;
  readonly toSize: number;
  readonly fromRoot: Uint8Array;
  readonly toRoot: Uint8Array;
  readonly proof: readonly Uint8Array[];
}

export interface VerifiedConsistency {
  readonly fromSize: number;
  readonly toSize: number;
}

/** The root an inclusion proof leads to; throws if the proof has the wrong shape for (leafIndex, treeSize). */
export function rootFromInclusionProof(leafIndex: number, treeSize: number, leafHash: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  assertTreeSize(leafIndex, 'leafIndex');
  assertTreeSize(treeSize, 'treeSize');
  assertHashLength(leafHash, 'leaf hash');
  if (leafIndex >= treeSize) {
    throw new AuditProofError('LEAF_INDEX_OUT_OF_RANGE', `leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  for (const p of proof) {
    if (sn === 0) throw proofLength('inclusion', proof.length);
    assertHashLength(p, 'inclusion proof element');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw proofLength('inclusion', proof.length);
  return r;
}

export function verifyInclusion(input: InclusionProofInput): VerifiedInclusion {
  assertHashLength(input.rootHash, 'root hash');
  const computed = rootFromInclusionProof(input.leafIndex, input.treeSize, input.leafHash, input.proof);
  if (!bytesEqual(computed, input.rootHash)) {
    throw new AuditProofError('ROOT_MISMATCH', `inclusion proof of leaf ${input.leafIndex} does not lead to the root of tree size ${input.treeSize}`);
  }
  return { leafIndex: input.leafIndex, treeSize: input.treeSize };
}

export function verifyConsistency(input: ConsistencyProofInput): VerifiedConsistency {
  const { fromSize, toSize, fromRoot, toRoot, proof } = input;
  assertTreeSize(fromSize, 'fromSize');
  assertTreeSize(toSize, 'toSize');
  assertHashLength(fromRoot, 'first root hash');
  assertHashLength(toRoot, 'second root hash');
  if (fromSize > toSize) {
    throw new AuditProofError('CONSISTENCY_SIZES_INVALID', `tree size went backwards: ${fromSize} → ${toSize}`);
  }
  if (fromSize === 0 || fromSize === toSize) {
    if (proof.length !== 0) throw proofLength('consistency', proof.length);
    const expectedFirst = fromSize === 0 ? emptyRootHash() : toRoot;
    if (!bytesEqual(fromRoot, expectedFirst)) {
      throw new AuditProofError(
        'CONSISTENCY_FIRST_ROOT_MISMATCH',
        fromSize === 0 ? 'root of the empty tree must be SHA-256("")' : `two different roots for tree size ${fromSize}`,
      );
    }
    return { fromSize, toSize };
  }
  if (proof.length === 0) throw proofLength('consistency', 0);
  proof.forEach((p) => assertHashLength(p, 'consistency proof element'));

  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr: Uint8Array = path[0]!;
  let sr: Uint8Array = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw proofLength('consistency', proof.length);
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw proofLength('consistency', proof.length);
  if (!bytesEqual(fr, fromRoot)) {
    throw new AuditProofError('CONSISTENCY_FIRST_ROOT_MISMATCH', `consistency proof ${fromSize} → ${toSize} does not lead to the first root`);
  }
  if (!bytesEqual(sr, toRoot)) {
    throw new AuditProofError('CONSISTENCY_SECOND_ROOT_MISMATCH', `consistency proof ${fromSize} → ${toSize} does not lead to the second root`);
  }
  return { fromSize, toSize };
}

function proofLength(kind: string, length: number): AuditProofError {
  return new AuditProofError('PROOF_LENGTH_MISMATCH', `${kind} proof has the wrong number of elements (${length})`);
}
