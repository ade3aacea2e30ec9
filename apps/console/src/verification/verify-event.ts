// Verifies, in the browser, that an audit event is in the log the pinned key signed: each check
// named, the first failure reported. Never trusts a verdict from the server.
import { hexToBytes, bytesEqual, bytesToHex } from './bytes';
import { inclusionLeadsTo, leafHash, ProofShapeError, rootFromInclusionProof } from './merkle';
import type { PinnedKey } from './pinned-key';
import { treeHeadSignatureValid, type SignedTreeHead } from './tree-head';

export interface InclusionProofData {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: string;
  readonly canonicalEvent: string;
  readonly proof: readonly string[];
  readonly treeHead: SignedTreeHead;
}

/** The checks, in the order they run; the UI names the one that failed. */
export type VerificationCheck = 'canonical-event' | 'leaf-hash' | 'proof-shape' | 'root-hash' | 'tree-size' | 'key-id' | 'signature';

export type VerificationResult = { ok: true; treeSize: number } | { ok: false; check: VerificationCheck; detail: string };

const fail = (check: VerificationCheck, detail: string): VerificationResult => ({ ok: false, check, detail });

export async function verifyEventInclusion(eventId: string, proof: InclusionProofData, key: PinnedKey): Promise<VerificationResult> {
  // 1. The leaf commits to THIS event.
  let canonical: unknown;
  try {
    canonical = JSON.parse(proof.canonicalEvent);
  } catch {
    return fail('canonical-event', 'canonical event is not JSON');
  }
  if (typeof canonical !== 'object' || canonical === null || (canonical as { id?: unknown }).id !== eventId) {
    return fail('canonical-event', 'the leaf is not this event');
  }
  // 2. The leaf hash is SHA-256(0x00 ‖ canonical bytes).
  let claimedLeaf: Uint8Array;
  let path: Uint8Array[];
  let root: Uint8Array;
  try {
    claimedLeaf = hexToBytes(proof.leafHash);
    path = proof.proof.map(hexToBytes);
    root = hexToBytes(proof.treeHead.rootHash);
  } catch (error) {
    return fail('proof-shape', (error as Error).message);
  }
  const computedLeaf = await leafHash(new TextEncoder().encode(proof.canonicalEvent));
  if (!bytesEqual(computedLeaf, claimedLeaf)) return fail('leaf-hash', `computed ${bytesToHex(computedLeaf).slice(0, 16)}…`);
  // 3. The proof is for the head's tree and leads to its root.
  if (proof.treeSize !== proof.treeHead.treeSize) return fail('tree-size', `proof for ${proof.treeSize}, head of ${proof.treeHead.treeSize}`);
  try {
    if (!(await inclusionLeadsTo(proof.leafIndex, proof.treeSize, computedLeaf, path, root))) {
      const reached = await rootFromInclusionProof(proof.leafIndex, proof.treeSize, computedLeaf, path);
      return fail('root-hash', `proof leads to ${bytesToHex(reached).slice(0, 16)}…`);
    }
  } catch (error) {
    if (error instanceof ProofShapeError) return fail('proof-shape', error.message);
    throw error;
  }
  // 4. The head was signed by the pinned key.
  if (proof.treeHead.keyId !== key.keyId) return fail('key-id', `head signed by ${proof.treeHead.keyId.slice(0, 16)}…`);
  if (!(await treeHeadSignatureValid(proof.treeHead, key))) return fail('signature', 'Ed25519 signature does not verify');
  return { ok: true, treeSize: proof.treeSize };
}
