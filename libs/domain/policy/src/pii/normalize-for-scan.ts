// The detectors read a normalised copy of the text, so a number written with look-alike characters
// is still the number: NFKC (full-width and mathematical digits, circled numbers), every Unicode
// decimal digit (\p{Nd}: Arabic-Indic, Devanagari, …) as its ASCII digit, invisible characters
// (format characters such as zero-width spaces and the soft hyphen, combining marks, other default-
// ignorable code points, control characters) removed, other whitespace as ' ' and every other dash,
// minus, dot or slash as '-'. The chain reader (digit-chain.ts) then treats a run of ASCII
// separators as one. Matches found in the copy are masked in the original: the copy keeps where
// each replaced character came from.
//
// JSON escapes left in a string (tool-call arguments are JSON text, and some clients escape all
// non-ASCII) are read as the characters they stand for: the model reads them so.
//
// Work is linear: one pass, and a character outside ASCII and Hangul syllables costs one lookup in
// a per-256-code-point table built on first use (at most 4,352 tables of 256 entries).

/** Non-ASCII characters people (and disguises) use as dashes, dots or slashes between digit groups. */
const JOINER_CODE_POINTS = new Set([
  0x2212,
  0x2052,
  0x2796,
  0x2e3a,
  0x2e3b,
  0x30fc,
  0xff70,
  0x3161,
  0x1173,
  0x2500,
  0x2501,
  0x23af,
  0x2015, // dash-likes, ㅡ
  0x00b7,
  0x2022,
  0x2024,
  0x2027,
  0x2219,
  0x22c5,
  0x30fb,
  0xff65,
  0x3002,
  0xff61,
  0x0387,
  0x2e31,
  0x16eb, // dots
  0x2044,
  0x2215,
  0x29f8,
  0x29f5,
  0x29f9,
  0xfe68, // slashes
]);
const ASCII_JOINERS = '-./\\';

const WHITESPACE = /^\p{White_Space}$/u;
const DASH = /^\p{Pd}$/u;
const INVISIBLE = /^[\p{Cf}\p{Mn}\p{Me}\p{Cc}\p{Default_Ignorable_Code_Point}]$/u;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/** The ASCII digit of a \p{Nd} code point: Unicode lays each script's digits out 0–9 in a row. */
function decimalValue(codePoint: number): number {
  let zero = codePoint;
  while (zero > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(zero - 1))) zero--;
  return (codePoint - zero) % 10;
}

function classifyCharacter(character: string): string {
  const codePoint = character.codePointAt(0)!;
  if (WHITESPACE.test(character)) return ' ';
  if (INVISIBLE.test(character)) return '';
  if (DECIMAL_DIGIT.test(character)) return String(decimalValue(codePoint));
  if (DASH.test(character) || JOINER_CODE_POINTS.has(codePoint) || ASCII_JOINERS.includes(character)) return '-';
  return character;
}

/** What the scan copy holds for one code point, or undefined when it is the code point itself. */
function replacementOf(codePoint: number): string | undefined {
  const original = String.fromCodePoint(codePoint);
  // ASCII stays as it is (the chain reader knows its separators) except invisible control characters.
  if (codePoint < 0x80) return WHITESPACE.test(original) || (codePoint >= 0x20 && codePoint !== 0x7f) ? undefined : '';
  // Joiners are looked up before NFKC, which would turn some (ㅡ) into letters.
  if (JOINER_CODE_POINTS.has(codePoint)) return '-';
  let replacement = '';
  for (const character of original.normalize('NFKC')) replacement += classifyCharacter(character);
  return replacement === original ? undefined : replacement;
}

const BLOCK_BITS = 8;
const BLOCK_SIZE = 1 << BLOCK_BITS;
/** Block index → 256 replacements (undefined: unchanged), filled the first time a block is seen. */
const REPLACEMENT_BLOCKS: (readonly (string | undefined)[] | undefined)[] = [];

function cachedReplacementOf(codePoint: number): string | undefined {
  const blockIndex = codePoint >> BLOCK_BITS;
  let block = REPLACEMENT_BLOCKS[blockIndex];
  if (block === undefined) {
    const first = blockIndex << BLOCK_BITS;
    block = Array.from({ length: BLOCK_SIZE }, (_, offset) => replacementOf(first + offset));
    REPLACEMENT_BLOCKS[blockIndex] = block;
  }
  return block[codePoint & (BLOCK_SIZE - 1)];
}

/** Text that needs no copy: printable ASCII but the backslash, tab, newline, carriage return and Hangul syllables. */
const NOTHING_TO_NORMALISE = /^[\t\n\r\x20-\x5b\x5d-\x7e\uac00-\ud7a3]*$/;
/** Global so that test() resumes from lastIndex; one character class, so it cannot backtrack. */
const NEXT_TO_NORMALISE = /[^\t\n\r\x20-\x5b\x5d-\x7e\uac00-\ud7a3]/g;

const BACKSLASH = 0x5c;
const FOUR_HEX = /^[0-9a-fA-F]{4}$/;
/** JSON escapes that stand for whitespace; a model reads `\n` in a JSON string as a line break. */
const WHITESPACE_ESCAPES = 'nrtbf';

/**
 * A JSON escape at `index` (inside a string that is itself JSON, such as tool-call arguments, or
 * text a client escaped): `\u` + 4 hex digits (a surrogate pair as two), or `\n` and the like.
 * Returns the characters it stands for and its length, or undefined.
 */
function escapeAt(text: string, index: number): { decoded: string; width: number } | undefined {
  const kind = text[index + 1];
  if (kind !== undefined && WHITESPACE_ESCAPES.includes(kind)) return { decoded: ' ', width: 2 };
  if (kind === '/') return { decoded: '/', width: 2 };
  if (kind !== 'u' || !FOUR_HEX.test(text.slice(index + 2, index + 6))) return undefined;
  const unit = parseInt(text.slice(index + 2, index + 6), 16);
  if (unit >= 0xd800 && unit <= 0xdbff && text[index + 6] === '\\' && text[index + 7] === 'u' && FOUR_HEX.test(text.slice(index + 8, index + 12))) {
    const low = parseInt(text.slice(index + 8, index + 12), 16);
    if (low >= 0xdc00 && low <= 0xdfff) return { decoded: String.fromCharCode(unit, low), width: 12 };
  }
  return { decoded: String.fromCharCode(unit), width: 6 };
}

/**
 * The scan copy. `pieces` lists, in order, each replaced stretch of the original as four numbers:
 * original start, original end, copy start, copy end; between pieces the two texts are equal.
 */
export interface ScanCopy {
  readonly text: string;
  readonly pieces: readonly number[];
  /** An invisible character was removed next to a digit: reading it as a separator may find more. */
  readonly invisibleNextToDigit: boolean;
  /** Indexes into `pieces` of the invisible characters (removed in this copy). */
  readonly invisiblePieces: readonly number[];
  /** In a separator reading (withInvisiblesAsSeparators): the copy positions of those separators, ascending. */
  readonly invisibleAt: readonly number[];
}

const ZERO = 0x30;
const NINE = 0x39;

function isAsciiDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= ZERO && code <= NINE;
}

const NOTHING_REPLACED: ScanCopy = Object.freeze({ text: '', pieces: [], invisibleNextToDigit: false, invisiblePieces: [], invisibleAt: [] });

/** The scan copy, invisible characters removed ("900101\u200b1234568" is one number). */
export function normalizeForScan(original: string): ScanCopy {
  if (NOTHING_TO_NORMALISE.test(original)) return { ...NOTHING_REPLACED, text: original };
  const pieces: number[] = [];
  /** Indexes into `pieces` of the invisible characters. */
  const invisibleAtPiece: number[] = [];
  let copy = '';
  let copiedUpTo = 0;
  const length = original.length;
  for (let index = 0; index < length;) {
    // Jump to the next character that may need replacing; the regular expression engine skips faster than a loop.
    NEXT_TO_NORMALISE.lastIndex = index;
    if (!NEXT_TO_NORMALISE.test(original)) break;
    index = NEXT_TO_NORMALISE.lastIndex - 1;
    const unit = original.charCodeAt(index);
    const escape = unit === BACKSLASH ? escapeAt(original, index) : undefined;
    const codePoint = escape ? escape.decoded.codePointAt(0)! : original.codePointAt(index)!;
    const width = escape ? escape.width : codePoint > 0xffff ? 2 : 1;
    let replacement = cachedReplacementOf(codePoint);
    if (escape && replacement === undefined) replacement = escape.decoded;
    if (replacement === '') {
      invisibleAtPiece.push(pieces.length);
    }
    if (replacement !== undefined) {
      copy += original.slice(copiedUpTo, index);
      pieces.push(index, index + width, copy.length, copy.length + replacement.length);
      copy += replacement;
      copiedUpTo = index + width;
    }
    index += width;
  }
  if (pieces.length === 0) return { ...NOTHING_REPLACED, text: original };
  const text = copy + original.slice(copiedUpTo);
  let invisibleNextToDigit = false;
  for (let invisible = 0; invisible < invisibleAtPiece.length && !invisibleNextToDigit; invisible++) {
    const at = pieces[invisibleAtPiece[invisible] + 2];
    invisibleNextToDigit = isAsciiDigitAt(text, at - 1) || isAsciiDigitAt(text, at);
  }
  return { text, pieces, invisibleNextToDigit, invisiblePieces: invisibleAtPiece, invisibleAt: [] };
}

/**
 * The second reading of a text: the same copy with each removed invisible character read as a
 * separator instead ("4111\u00ad1111\u00ad1111\u00ad1111" is four groups). Built from the first
 * copy in one pass over its pieces.
 */
export function withInvisiblesAsSeparators(copy: ScanCopy): ScanCopy {
  const pieces = copy.pieces.slice();
  const invisibleAt: number[] = [];
  let text = '';
  let copiedUpTo = 0;
  let shift = 0;
  let next = 0;
  for (let piece = 0; piece < pieces.length; piece += 4) {
    pieces[piece + 2] += shift;
    if (next < copy.invisiblePieces.length && copy.invisiblePieces[next] === piece) {
      const at = copy.pieces[piece + 2];
      text += copy.text.slice(copiedUpTo, at) + '-';
      copiedUpTo = at;
      invisibleAt.push(at + shift);
      shift++;
      next++;
    }
    pieces[piece + 3] += shift;
  }
  return { text: text + copy.text.slice(copiedUpTo), pieces, invisibleNextToDigit: false, invisiblePieces: [], invisibleAt };
}

/**
 * The original text with the copy's masking applied: unchanged stretches come from the masked
 * copy; a replaced character stays as written unless masking touched its replacement, in which
 * case the masked replacement (usually '*') takes its place. Removed characters stay.
 */
export function applyMaskToOriginal(original: string, scanCopy: ScanCopy, maskedCopy: string): string {
  const { pieces } = scanCopy;
  if (pieces.length === 0) return maskedCopy;
  let result = '';
  let copyAt = 0;
  for (let piece = 0; piece < pieces.length; piece += 4) {
    const copyStart = pieces[piece + 2];
    const copyEnd = pieces[piece + 3];
    result += maskedCopy.slice(copyAt, copyStart);
    result += sameSpan(maskedCopy, scanCopy.text, copyStart, copyEnd) ? original.slice(pieces[piece], pieces[piece + 1]) : maskedCopy.slice(copyStart, copyEnd);
    copyAt = copyEnd;
  }
  return result + maskedCopy.slice(copyAt);
}

/** Whether two texts agree on [start, end), compared in place. */
function sameSpan(one: string, other: string, start: number, end: number): boolean {
  for (let index = start; index < end; index++) if (one.charCodeAt(index) !== other.charCodeAt(index)) return false;
  return true;
}

const KEEP = 0;
const STAR = 1;
/** Part of a replaced character (an escape, a surrogate pair) whose first unit became the '*'. */
const COVERED = 2;

/**
 * Which units of the original a masked copy masks, looking only inside the reading's match spans
 * (copy positions, ascending: start, end, detector): STAR where a '*' goes, COVERED for the rest
 * of a replaced character.
 */
function maskedUnitsOf(scanCopy: ScanCopy, maskedCopy: string, spans: readonly number[], into: Uint8Array): void {
  const { pieces, text } = scanCopy;
  let piece = 0;
  let baseOriginal = 0;
  let baseCopy = 0;
  for (let span = 0; span < spans.length; span += 3) {
    const end = spans[span + 1];
    for (let position = spans[span]; position < end;) {
      while (piece < pieces.length && pieces[piece + 3] <= position) {
        baseOriginal = pieces[piece + 1];
        baseCopy = pieces[piece + 3];
        piece += 4;
      }
      if (piece < pieces.length && pieces[piece + 2] <= position) {
        const originalStart = pieces[piece];
        if (!sameSpan(maskedCopy, text, pieces[piece + 2], pieces[piece + 3])) {
          into[originalStart] = STAR;
          into.fill(COVERED, originalStart + 1, pieces[piece + 1]);
        }
        position = pieces[piece + 3];
        continue;
      }
      if (maskedCopy.charCodeAt(position) !== text.charCodeAt(position)) into[baseOriginal + position - baseCopy] = STAR;
      position++;
    }
  }
}

/**
 * The original with the masks of two readings of it (invisible characters removed, and read as
 * separators) combined: a character either reading masks becomes '*'.
 */
export function combineMasks(original: string, readings: readonly { copy: ScanCopy; maskedCopy: string; spans?: readonly number[] }[]): string {
  const units = new Uint8Array(original.length);
  for (const { copy, maskedCopy, spans } of readings) maskedUnitsOf(copy, maskedCopy, spans ?? [], units);
  let result = '';
  let keptFrom = 0;
  for (let index = 0; index < units.length; index++) {
    if (units[index] === KEEP) continue;
    result += original.slice(keptFrom, index) + (units[index] === STAR ? '*' : '');
    keptFrom = index + 1;
  }
  return result + original.slice(keptFrom);
}

/** Where copy position `index` lies in the original (a position inside a replaced character maps to its start, or its end for an end position). */
export function originalIndexOf(scanCopy: ScanCopy, index: number, isEnd: boolean): number {
  const { pieces } = scanCopy;
  let originalAt = 0;
  let copyAt = 0;
  for (let piece = 0; piece < pieces.length && pieces[piece + 2] <= index; piece += 4) {
    if (index < pieces[piece + 3] || (isEnd && index === pieces[piece + 3])) return isEnd ? pieces[piece + 1] : pieces[piece];
    originalAt = pieces[piece + 1];
    copyAt = pieces[piece + 3];
  }
  return originalAt + (index - copyAt);
}
