import { AuditProofError } from './errors';

const HEX_PATTERN = /^(?:[0-9a-f]{2})*$/;
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Lowercase hex: the one textual form of hashes in tree heads, proofs and bundles. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict lowercase-hex decoding; Buffer.from(…, 'hex') alone silently truncates at the first bad digit. */
export function fromHex(text: string, what = 'value'): Buffer {
  if (typeof text !== 'string' || !HEX_PATTERN.test(text)) {
    throw new AuditProofError('MALFORMED_ENCODING', `${what} is not lowercase hex with an even number of digits`);
  }
  return Buffer.from(text, 'hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict padded standard base64 (RFC 4648 §4); the lenient Node decoder would accept junk. */
export function fromBase64(text: string, what = 'value'): Buffer {
  if (typeof text !== 'string' || !BASE64_PATTERN.test(text)) {
    throw new AuditProofError('MALFORMED_ENCODING', `${what} is not padded standard base64`);
  }
  return Buffer.from(text, 'base64');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}
