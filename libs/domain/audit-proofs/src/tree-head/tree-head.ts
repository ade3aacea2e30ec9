import { KeyObject, sign, verify } from 'node:crypto';
import { canonicalBytes } from '../canonical/canonical-json';
import { fromBase64, fromHex, toBase64, toHex } from '../encoding';
import { AuditProofError } from '../errors';
import { assertHashLength } from '../merkle/hashing';
import { assertEd25519, keyIdOf, publicKeyOf } from './signing-keys';

/** What a tree head commits to. `rootHash` is lowercase hex of the 32-byte MTH. */
export interface TreeHead {
  readonly treeSize: number;
  /** UTC instant in Date#toISOString form, e.g. "2025-03-01T09:00:00.000Z". */
  readonly timestamp: string;
  readonly rootHash: string;
}

export interface SignedTreeHead extends TreeHead {
  /** keyIdOf(public key): lowercase hex SHA-256 of the raw Ed25519 public key. */
  readonly keyId: string;
  /** Base64 Ed25519 signature over treeHeadSigningPayload(head). */
  readonly signature: string;
}

/** Domain separation: these signatures can never be mistaken for signatures over anything else. */
export const TREE_HEAD_PURPOSE = 'ai-commons/audit-log/tree-head';
export const TREE_HEAD_PAYLOAD_VERSION = 1;

const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SIGNED_TREE_HEAD_FIELDS = ['keyId', 'rootHash', 'signature', 'timestamp', 'treeSize'];

/**
 * The exact bytes signed: RFC 8785 canonical JSON of
 * {"purpose":"ai-commons/audit-log/tree-head","rootHash":…,"timestamp":…,"treeSize":…,"v":1}.
 */
export function treeHeadSigningPayload(head: TreeHead): Buffer {
  assertValidTreeHead(head);
  return canonicalBytes({
    purpose: TREE_HEAD_PURPOSE,
    rootHash: head.rootHash,
    timestamp: head.timestamp,
    treeSize: head.treeSize,
    v: TREE_HEAD_PAYLOAD_VERSION,
  });
}

export function createTreeHead(treeSize: number, rootHash: Uint8Array, at: Date): TreeHead {
  assertHashLength(rootHash, 'root hash');
  return { treeSize, timestamp: at.toISOString(), rootHash: toHex(rootHash) };
}

export function signTreeHead(head: TreeHead, privateKey: KeyObject): SignedTreeHead {
  const publicKey = publicKeyOf(privateKey);
  const signature = sign(null, treeHeadSigningPayload(head), privateKey);
  const signed: SignedTreeHead = {
    keyId: keyIdOf(publicKey),
    rootHash: head.rootHash,
    signature: toBase64(signature),
    timestamp: head.timestamp,
    treeSize: head.treeSize,
  };
  return signed;
}

/** Returns the verified head; throws KEY_ID_MISMATCH, INVALID_SIGNATURE or MALFORMED_TREE_HEAD. */
export function verifyTreeHead(signed: SignedTreeHead, publicKey: KeyObject): TreeHead {
  assertEd25519(publicKey, 'public');
  const head: TreeHead = { treeSize: signed.treeSize, timestamp: signed.timestamp, rootHash: signed.rootHash };
  const payload = treeHeadSigningPayload(head);
  const expectedKeyId = keyIdOf(publicKey);
  if (signed.keyId !== expectedKeyId) {
    throw new AuditProofError('KEY_ID_MISMATCH', `tree head ${signed.treeSize} was signed by key ${signed.keyId}, expected ${expectedKeyId}`);
  }
  const signature = decodeField(() => fromBase64(signed.signature, 'signature'));
  if (!verify(null, payload, publicKey, signature)) {
    throw new AuditProofError('INVALID_SIGNATURE', `signature of tree head ${signed.treeSize} does not verify`);
  }
  return head;
}

export function rootHashBytes(head: TreeHead): Buffer {
  return fromHex(head.rootHash, 'rootHash');
}

export function assertValidTreeHead(head: TreeHead): void {
  if (!Number.isSafeInteger(head.treeSize) || head.treeSize < 0) {
    throw malformed(`treeSize must be a non-negative safe integer`);
  }
  if (typeof head.timestamp !== 'string' || !ISO_UTC_MILLIS.test(head.timestamp) || !isRealInstant(head.timestamp)) {
    throw malformed(`timestamp must be a UTC instant like 2025-03-01T09:00:00.000Z`);
  }
  const root = decodeField(() => fromHex(head.rootHash, 'rootHash'));
  if (root.length !== 32) throw malformed('rootHash must be 32 bytes of hex');
}

/** Validates untrusted JSON (e.g. a tree-heads.jsonl line) into a SignedTreeHead; signature not checked. */
export function parseSignedTreeHead(value: unknown): SignedTreeHead {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed('tree head must be a JSON object');
  const fields = Object.keys(value).sort();
  if (fields.join(',') !== SIGNED_TREE_HEAD_FIELDS.join(',')) {
    throw malformed(`tree head must have exactly the fields ${SIGNED_TREE_HEAD_FIELDS.join(', ')}`);
  }
  const candidate = value as Record<string, unknown>;
  if (typeof candidate['keyId'] !== 'string' || typeof candidate['signature'] !== 'string') {
    throw malformed('keyId and signature must be strings');
  }
  const signed = candidate as unknown as SignedTreeHead;
  assertValidTreeHead(signed);
  return signed;
}

function isRealInstant(timestamp: string): boolean {
  const parsed = new Date(timestamp);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString() === timestamp;
}

function decodeField<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof AuditProofError) throw malformed(error.message);
    throw error;
  }
}

function malformed(message: string): AuditProofError {
  return new AuditProofError('MALFORMED_TREE_HEAD', message);
}
