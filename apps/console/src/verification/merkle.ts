// RFC 9162 §2.1.3.2 inclusion verification with WebCrypto SHA-256: the same algorithm as
// libs/domain/audit-proofs (proof-verification.ts), re-done here because the console may not import
// server code, and because the supervisor must not have to trust the server to verify for them.
import { bytesEqual, concat, sha256 } from './bytes';

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

export class ProofShapeError extends Error {}

export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(LEAF_PREFIX, leaf));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(concat(NODE_PREFIX, left, right));
}

function assertSize(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new ProofShapeError(`${what} must be a non-negative integer`);
}

/** The root an inclusion proof leads to; throws ProofShapeError when the proof has the wrong shape. */
export async function rootFromInclusionProof(leafIndex: number, treeSize: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Promise<Uint8Array> {
  assertSize(leafIndex, 'leafIndex');
  assertSize(treeSize, 'treeSize');
  if (leafIndex >= treeSize) throw new ProofShapeError(`leaf ${leafIndex} is not in a tree of size ${treeSize}`);
  if (leaf.length !== 32) throw new ProofShapeError('leaf hash must be 32 bytes');
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofShapeError(`proof has too many elements (${proof.length})`);
    if (p.length !== 32) throw new ProofShapeError('proof element must be 32 bytes');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofShapeError(`proof has too few elements (${proof.length})`);
  return r;
}

export async function inclusionLeadsTo(
  leafIndex: number,
  treeSize: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<boolean> {
  return bytesEqual(await rootFromInclusionProof(leafIndex, treeSize, leaf, proof), root);
}

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** The roots a consistency proof leads to, for the old and the new tree (RFC 9162 §2.1.4.2). */
export async function rootsFromConsistencyProof(
  fromSize: number,
  toSize: number,
  fromRoot: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<{ fromRoot: Uint8Array; toRoot: Uint8Array }> {
  assertSize(fromSize, 'fromSize');
  assertSize(toSize, 'toSize');
  if (fromSize > toSize) throw new ProofShapeError(`tree size went backwards: ${fromSize} → ${toSize}`);
  if (fromSize === 0 || fromSize === toSize) {
    // Nothing to prove: the caller compares the roots themselves (empty root, or the same head twice).
    if (proof.length !== 0) throw new ProofShapeError(`proof has too many elements (${proof.length})`);
    return { fromRoot, toRoot: fromRoot };
  }
  if (proof.length === 0) throw new ProofShapeError('proof has too few elements (0)');
  if (proof.some((p) => p.length !== 32)) throw new ProofShapeError('proof element must be 32 bytes');
  const path = isPowerOfTwo(fromSize) ? [fromRoot, ...proof] : proof;
  let fn = fromSize - 1;
  let sn = toSize - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw new ProofShapeError(`proof has too many elements (${proof.length})`);
    if (fn % 2 === 1 || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new ProofShapeError(`proof has too few elements (${proof.length})`);
  return { fromRoot: fr, toRoot: sr };
}
