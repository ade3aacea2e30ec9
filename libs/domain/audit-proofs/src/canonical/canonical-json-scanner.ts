// Recognises RFC 8785 canonical JSON directly in UTF-8 bytes, without building values: what lets a
// verifier check and hash a million exported events without JSON.parse and re-serialization.
// Each function returns the offset just past the value it scanned, or NOT_CANONICAL. The caller must
// have checked that the bytes are valid UTF-8 (node:buffer isUtf8), so bytes ≥ 0x80 inside strings
// are whole characters and never surrogates.

export const NOT_CANONICAL = -1;

// Beyond this nesting the scanner gives up; canonicalJson then decides (and rejects cycles/depth).
const MAX_DEPTH = 512;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const LITERALS: ReadonlyMap<number, Uint8Array> = new Map([
  [0x74, Buffer.from('true')],
  [0x66, Buffer.from('false')],
  [0x6e, Buffer.from('null')],
]);
// Escapes JSON.stringify writes in short form; every other control character is \u00xx.
const SHORT_ESCAPES = new Set([0x22, 0x5c, 0x62, 0x66, 0x6e, 0x72, 0x74]);
const SHORT_ESCAPED_CONTROLS = new Set([0x08, 0x0c, 0x0a, 0x0d, 0x09]);

/** End of the canonical JSON value starting at `start` (before `end`), or NOT_CANONICAL. */
export function scanCanonicalValue(bytes: Uint8Array, start: number, end: number): number {
  // The scanners peek at the byte after a token (bytes[position]) without comparing with `end`:
  // a view that ends at `end` makes every such peek read undefined there instead of the next bytes.
  const view = end < bytes.length ? bytes.subarray(0, Math.max(end, 0)) : bytes;
  return scanValue(view, start, view.length, 0);
}

function scanValue(bytes: Uint8Array, position: number, end: number, depth: number): number {
  if (position >= end) return NOT_CANONICAL;
  const first = bytes[position]!;
  if (first === QUOTE) return scanString(bytes, position, end);
  if (first === OPEN_BRACE) return depth >= MAX_DEPTH ? NOT_CANONICAL : scanObject(bytes, position, end, depth + 1);
  if (first === OPEN_BRACKET) return depth >= MAX_DEPTH ? NOT_CANONICAL : scanArray(bytes, position, end, depth + 1);
  if (first === MINUS || (first >= 0x30 && first <= 0x39)) return scanNumber(bytes, position, end);
  const literal = LITERALS.get(first);
  if (literal === undefined || position + literal.length > end) return NOT_CANONICAL;
  for (let i = 1; i < literal.length; i++) if (bytes[position + i] !== literal[i]) return NOT_CANONICAL;
  return position + literal.length;
}

function scanObject(bytes: Uint8Array, open: number, end: number, depth: number): number {
  let position = open + 1;
  if (bytes[position] === CLOSE_BRACE) return position + 1;
  let previousKeyStart = -1;
  let previousKeyEnd = -1;
  for (;;) {
    const keyEnd = bytes[position] === QUOTE ? scanString(bytes, position, end) : NOT_CANONICAL;
    if (keyEnd === NOT_CANONICAL || bytes[keyEnd] !== COLON) return NOT_CANONICAL;
    if (previousKeyStart >= 0 && !keyIsGreater(bytes, previousKeyStart, previousKeyEnd, position, keyEnd)) return NOT_CANONICAL;
    previousKeyStart = position;
    previousKeyEnd = keyEnd;
    position = scanValue(bytes, keyEnd + 1, end, depth);
    if (position === NOT_CANONICAL) return NOT_CANONICAL;
    const next = bytes[position];
    if (next === CLOSE_BRACE) return position + 1;
    if (next !== COMMA) return NOT_CANONICAL;
    position++;
  }
}

function scanArray(bytes: Uint8Array, open: number, end: number, depth: number): number {
  let position = open + 1;
  if (bytes[position] === CLOSE_BRACKET) return position + 1;
  for (;;) {
    position = scanValue(bytes, position, end, depth);
    if (position === NOT_CANONICAL) return NOT_CANONICAL;
    const next = bytes[position];
    if (next === CLOSE_BRACKET) return position + 1;
    if (next !== COMMA) return NOT_CANONICAL;
    position++;
  }
}

/** A string token exactly as JSON.stringify writes it (RFC 8785 §3.2.2.2). */
function scanString(bytes: Uint8Array, open: number, end: number): number {
  let position = open + 1;
  while (position < end) {
    const byte = bytes[position]!;
    if (byte === QUOTE) return position + 1;
    if (byte < 0x20) return NOT_CANONICAL;
    if (byte !== BACKSLASH) {
      position++;
      continue;
    }
    const escape = bytes[position + 1]!;
    if (SHORT_ESCAPES.has(escape)) {
      position += 2;
      continue;
    }
    // \u00xx (lowercase hex) only for control characters without a short form; \u-escaped
    // surrogates would be lone ones, which I-JSON forbids.
    if (escape !== 0x75 || bytes[position + 2] !== 0x30 || bytes[position + 3] !== 0x30) return NOT_CANONICAL;
    const high = bytes[position + 4]!;
    const low = bytes[position + 5]!;
    const lowValue = low >= 0x30 && low <= 0x39 ? low - 0x30 : low >= 0x61 && low <= 0x66 ? low - 0x57 : -1;
    if ((high !== 0x30 && high !== 0x31) || lowValue < 0) return NOT_CANONICAL;
    if (SHORT_ESCAPED_CONTROLS.has((high - 0x30) * 16 + lowValue)) return NOT_CANONICAL;
    position += 6;
  }
  return NOT_CANONICAL;
}

/** A number token equal to the ECMAScript serialization of its own value (RFC 8785 §3.2.2.3). */
function scanNumber(bytes: Uint8Array, start: number, end: number): number {
  const integerEnd = scanPlainInteger(bytes, start, end);
  if (integerEnd !== NOT_CANONICAL) return integerEnd;
  let position = start;
  let token = '';
  while (position < end) {
    const byte = bytes[position]!;
    // Digits, '+', '-', '.', 'e': everything Number::toString can write.
    if (!((byte >= 0x30 && byte <= 0x39) || byte === 0x2b || byte === MINUS || byte === 0x2e || byte === 0x65)) break;
    token += String.fromCharCode(byte);
    position++;
  }
  const value = Number(token);
  return Number.isFinite(value) && String(value) === token ? position : NOT_CANONICAL;
}

/**
 * Fast path for the common case: a non-negative integer of at most 15 digits without a leading
 * zero is exactly representable and Number::toString writes it back digit for digit.
 */
function scanPlainInteger(bytes: Uint8Array, start: number, end: number): number {
  let position = start;
  while (position < end && bytes[position]! >= 0x30 && bytes[position]! <= 0x39) position++;
  const digits = position - start;
  const next = bytes[position];
  const followedByDelimiter = position === end || next === COMMA || next === CLOSE_BRACE || next === CLOSE_BRACKET;
  if (digits === 0 || digits > 15 || !followedByDelimiter || (digits > 1 && bytes[start] === 0x30)) return NOT_CANONICAL;
  return position;
}

/** Whether key b sorts after key a by UTF-16 code units (both are canonical string tokens). */
function keyIsGreater(bytes: Uint8Array, aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  // One pass over the common prefix, inside the quotes. Where the keys first differ in two ASCII
  // bytes, both bytes start a character (UTF-8 continuation bytes are ≥ 0x80) after an identical
  // prefix, and for ASCII byte order is UTF-16 code unit order. A raw quote ends a canonical token
  // (a quote inside it is escaped), so a key that ends first is a prefix of the other. Escapes and
  // non-ASCII differences (UTF-8 and UTF-16 orders disagree above U+FFFF) are decoded instead.
  for (let i = 1; ; i++) {
    const a = bytes[aStart + i]!;
    const b = bytes[bStart + i]!;
    if (a === BACKSLASH || b === BACKSLASH) break;
    if (a === b) {
      if (a === QUOTE) return false;
      continue;
    }
    if (a === QUOTE) return true;
    if (b === QUOTE) return false;
    if (a < 0x80 && b < 0x80) return b > a;
    break;
  }
  const decode = (from: number, to: number): string => JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8')) as string;
  return decode(aStart, aEnd) < decode(bStart, bEnd);
}
