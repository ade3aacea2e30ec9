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

// Grown on demand; reused so hashing a stream of events does not allocate an input per leaf.
let leafInput = Buffer.alloc(4096);

/** RFC 9162 §2.1.1: MTH({d0}) = SHA-256(0x00 ‖ d0). */
export function leafHash(leafBytes: Uint8Array): Buffer {
  return leafHashOfRange(leafBytes, 0, leafBytes.length);
}

/** leafHash of bytes[start, end), e.g. an event inside a line of events.jsonl, without copying it out first. */
export function leafHashOfRange(bytes: Uint8Array, start: number, end: number): Buffer {
  const length = end - start + 1;
  if (leafInput.length < length) leafInput = Buffer.alloc(2 ** Math.ceil(Math.log2(length)));
  leafInput[0] = LEAF_PREFIX;
  leafInput.set(bytes.subarray(start, end), 1);
  return hash('sha256', leafInput.subarray(0, length), 'buffer');
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
