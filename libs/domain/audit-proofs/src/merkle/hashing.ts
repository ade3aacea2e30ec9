import { hash } from 'node:crypto';
import { AuditProofError } from '../errors';

/** SHA-256 output size; every leaf, node and root hash in the log has this length. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// One reusable input buffer: crypto.hash is a single native call, about twice as fast as
// createHash().update().update().digest() for 65-byte inputs, and this code is synchronous.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = NODE_PREFIX;

export function sha256(data: Uint8Array | string): Buffer {
  return hash('sha256', data, 'buffer');
}

/** RFC 9162 §2.1.1: MTH({d0}) = SHA-256(0x00 ‖ d0). */
export function leafHash(leafBytes: Uint8Array): Buffer {
  const input = Buffer.allocUnsafe(leafBytes.length + 1);
  input[0] = LEAF_PREFIX;
  input.set(leafBytes, 1);
  return hash('sha256', input, 'buffer');
}

/**
 * Leaf hash of a string's UTF-8 bytes without materialising them: "\0" encodes to the single byte
 * 0x00, so this is leafHash(utf8(text)). Used on the verifier's hot path.
 */
export function leafHashOfUtf8(text: string): Buffer {
  return hash('sha256', `\0${text}`, 'buffer');
}

/** RFC 9162 §2.1.1: interior node hash SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  assertHashLength(left, 'left child hash');
  assertHashLength(right, 'right child hash');
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** RFC 9162 §2.1.1: the hash of an empty list is SHA-256 of the empty string. */
export function emptyRootHash(): Buffer {
  return sha256(new Uint8Array(0));
}

export function assertHashLength(value: Uint8Array, what: string): void {
  if (!(value instanceof Uint8Array) || value.length !== HASH_SIZE) {
    throw new AuditProofError('INVALID_HASH_LENGTH', `${what} must be ${HASH_SIZE} bytes`);
  }
}
