// Verifies, in the browser, that a later signed tree head extends an earlier one: both heads signed
// by the pinned key, and the RFC 9162 consistency proof leads from the first head's root to the
// second's. The roots compared are the SIGNED ones; the server's word on them is never used.
import { bytesEqual, bytesToHex, hexToBytes, sha256 } from './bytes';
import { ProofShapeError, rootsFromConsistencyProof } from './merkle';
import type { PinnedKey } from './pinned-key';
import { treeHeadSignatureValid, type SignedTreeHead } from './tree-head';

export interface ConsistencyProofData {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly string[];
}

/** The checks, in the order they run; the UI names the one that failed. */
export type ConsistencyCheck = 'order' | 'key-id' | 'signature' | 'proof-sizes' | 'proof-shape' | 'first-root' | 'second-root';

export type ConsistencyResult = { ok: true; fromSize: number; toSize: number } | { ok: false; check: ConsistencyCheck; detail: string };

const fail = (check: ConsistencyCheck, detail: string): ConsistencyResult => ({ ok: false, check, detail });

export async function verifyHeadConsistency(
  older: SignedTreeHead,
  newer: SignedTreeHead,
  proof: ConsistencyProofData,
  key: PinnedKey,
): Promise<ConsistencyResult> {
  if (older.treeSize > newer.treeSize) return fail('order', `${older.treeSize} > ${newer.treeSize}`);
  for (const head of [older, newer]) {
    if (head.keyId !== key.keyId) return fail('key-id', `head ${head.treeSize} signed by ${head.keyId.slice(0, 16)}…`);
    if (!(await treeHeadSignatureValid(head, key))) return fail('signature', `head ${head.treeSize}: Ed25519 signature does not verify`);
  }
  if (proof.fromSize !== older.treeSize || proof.toSize !== newer.treeSize) {
    return fail('proof-sizes', `proof for ${proof.fromSize} → ${proof.toSize}, heads ${older.treeSize} → ${newer.treeSize}`);
  }
  let fromRoot: Uint8Array;
  let toRoot: Uint8Array;
  let path: Uint8Array[];
  try {
    fromRoot = hexToBytes(older.rootHash);
    toRoot = hexToBytes(newer.rootHash);
    path = proof.proof.map(hexToBytes);
  } catch (error) {
    return fail('proof-shape', (error as Error).message);
  }
  if (older.treeSize === 0 && !bytesEqual(fromRoot, await sha256(new Uint8Array(0)))) return fail('first-root', 'the empty tree has root SHA-256("")');
  let reached: { fromRoot: Uint8Array; toRoot: Uint8Array };
  try {
    reached = await rootsFromConsistencyProof(older.treeSize, newer.treeSize, fromRoot, path);
  } catch (error) {
    if (error instanceof ProofShapeError) return fail('proof-shape', error.message);
    throw error;
  }
  if (older.treeSize === 0) return { ok: true, fromSize: 0, toSize: newer.treeSize };
  if (!bytesEqual(reached.fromRoot, fromRoot)) return fail('first-root', `proof leads to ${bytesToHex(reached.fromRoot).slice(0, 16)}…`);
  if (!bytesEqual(reached.toRoot, toRoot)) return fail('second-root', `proof leads to ${bytesToHex(reached.toRoot).slice(0, 16)}…`);
  return { ok: true, fromSize: older.treeSize, toSize: newer.treeSize };
}
