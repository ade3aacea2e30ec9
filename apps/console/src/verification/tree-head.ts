// The tree head's Ed25519 signature over the canonical payload (libs/domain/audit-proofs tree-head.ts):
// RFC 8785 JSON of {purpose, rootHash, timestamp, treeSize, v}. Keys are already in sorted order and
// every value is a string or a safe integer, for which JSON.stringify is RFC 8785.
import { base64ToBytes, concat } from './bytes';
import type { PinnedKey } from './pinned-key';

export const TREE_HEAD_PURPOSE = 'ai-commons/audit-log/tree-head';

export interface SignedTreeHead {
  readonly treeSize: number;
  readonly timestamp: string;
  readonly rootHash: string;
  readonly keyId: string;
  readonly signature: string;
}

export function treeHeadPayload(head: Pick<SignedTreeHead, 'treeSize' | 'timestamp' | 'rootHash'>): Uint8Array {
  const text = `{"purpose":${JSON.stringify(TREE_HEAD_PURPOSE)},"rootHash":${JSON.stringify(head.rootHash)},"timestamp":${JSON.stringify(
    head.timestamp,
  )},"treeSize":${JSON.stringify(head.treeSize)},"v":1}`;
  return new TextEncoder().encode(text);
}

export async function treeHeadSignatureValid(head: SignedTreeHead, key: PinnedKey): Promise<boolean> {
  const publicKey = await crypto.subtle.importKey('raw', concat(key.raw), { name: 'Ed25519' }, false, ['verify']);
  let signature: Uint8Array;
  try {
    signature = base64ToBytes(head.signature);
  } catch {
    return false;
  }
  return crypto.subtle.verify({ name: 'Ed25519' }, publicKey, concat(signature), concat(treeHeadPayload(head)));
}
