// A digit chain is a maximal run of digit groups joined by single separators ("010-1234-5678",
// "4111 1111 1111 1111", "2024.01.15"), optionally led by a Korean country code ("+82 10 ...").
// Detectors look only at chains, so the scan is one left-to-right pass over the text with no
// pattern that can backtrack: the only regular expression on the hot path is a one-character
// class used to jump to the next digit.

const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const EIGHT = 0x38;
const TWO = 0x32;

export const HYPHEN = 0x2d;
export const SPACE = 0x20;
export const DOT = 0x2e;

/** Global so that test() resumes from lastIndex and reports a match without allocating one. */
const NEXT_DIGIT = /[0-9]/g;

export interface DigitChain {
  text: string;
  /** Group i covers text[groupStarts[i], groupEnds[i]). */
  groupStarts: Int32Array;
  groupEnds: Int32Array;
  /** separators[i] is the character code joining group i and group i + 1. */
  separators: Int32Array;
  groupCount: number;
  /** First character of the chain: the '+' of a country code, otherwise the first digit. */
  start: number;
  end: number;
  /** Led by "+82": the first group is a national number without (or with) its trunk '0'. */
  international: boolean;
  /** Nothing word-like touches the chain's start / end (see isBoundary), so a match may begin / end there. */
  leftBounded: boolean;
  rightBounded: boolean;
}

export function createDigitChain(capacity = 64): DigitChain {
  return {
    text: '', groupStarts: new Int32Array(capacity), groupEnds: new Int32Array(capacity), separators: new Int32Array(capacity),
    groupCount: 0, start: 0, end: 0, international: false, leftBounded: false, rightBounded: false,
  };
}

function grow(chain: DigitChain): void {
  const capacity = chain.groupStarts.length * 2;
  const copy = (from: Int32Array) => {
    const to = new Int32Array(capacity);
    to.set(from);
    return to;
  };
  chain.groupStarts = copy(chain.groupStarts);
  chain.groupEnds = copy(chain.groupEnds);
  chain.separators = copy(chain.separators);
}

export function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function isSeparator(code: number): boolean {
  return code === HYPHEN || code === SPACE || code === DOT;
}

/** ASCII letters, digits and '_': a number glued to them is part of an identifier or a hash. */
function isAsciiWordChar(code: number): boolean {
  return (code >= ZERO && code <= NINE) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

/**
 * A chain edge is a boundary unless an ASCII word character touches it, directly or across a
 * hyphen or dot ("A-9001011234568", "5678.txt"). Hangul may touch it: Korean particles attach
 * directly to numbers ("010-1234-5678로").
 */
function isBoundary(text: string, outside: number, beyond: number): boolean {
  if (outside < 0 || outside >= text.length) return true;
  const code = text.charCodeAt(outside);
  if (isAsciiWordChar(code)) return false;
  if ((code === HYPHEN || code === DOT) && beyond >= 0 && beyond < text.length) {
    return !isAsciiWordChar(text.charCodeAt(beyond));
  }
  return true;
}

/** Where the first group starts if the digits at `at` are a "+82" country code, else -1. */
function nationalNumberStart(text: string, at: number): number {
  if (at === 0 || text.charCodeAt(at - 1) !== PLUS) return -1;
  if (text.charCodeAt(at) !== EIGHT || text.charCodeAt(at + 1) !== TWO) return -1;
  const next = text.charCodeAt(at + 2);
  if (isDigit(next)) return at + 2;
  if ((next === SPACE || next === HYPHEN) && isDigit(text.charCodeAt(at + 3))) return at + 3;
  return -1;
}

/**
 * Fills `chain` with the first chain at or after `from`; false when the text has no more digits.
 * Cost is linear in the characters consumed.
 */
export function readDigitChain(text: string, from: number, chain: DigitChain): boolean {
  NEXT_DIGIT.lastIndex = from;
  if (!NEXT_DIGIT.test(text)) return false;
  const at = NEXT_DIGIT.lastIndex - 1;
  const length = text.length;

  chain.text = text;
  const national = nationalNumberStart(text, at);
  chain.international = national >= 0;
  chain.start = chain.international ? at - 1 : at;
  let groupStart = chain.international ? national : at;
  let groupCount = 0;

  for (;;) {
    let groupEnd = groupStart + 1;
    while (groupEnd < length && isDigit(text.charCodeAt(groupEnd))) groupEnd++;
    if (groupCount === chain.groupStarts.length) grow(chain);
    chain.groupStarts[groupCount] = groupStart;
    chain.groupEnds[groupCount] = groupEnd;
    const separator = text.charCodeAt(groupEnd);
    if (groupEnd + 1 < length && isSeparator(separator) && isDigit(text.charCodeAt(groupEnd + 1))) {
      chain.separators[groupCount] = separator;
      groupCount++;
      groupStart = groupEnd + 1;
      continue;
    }
    chain.groupCount = groupCount + 1;
    chain.end = groupEnd;
    break;
  }

  chain.leftBounded = isBoundary(text, chain.start - 1, chain.start - 2);
  chain.rightBounded = isBoundary(text, chain.end, chain.end + 1);
  return true;
}

/** Digits of groups first..first+groupCount-1 as one string (used only once a shape fits). */
export function spanDigits(chain: DigitChain, first: number, groupCount: number): string {
  let digits = '';
  for (let group = first; group < first + groupCount; group++) {
    digits += chain.text.slice(chain.groupStarts[group], chain.groupEnds[group]);
  }
  return digits;
}

/** First character of a candidate starting at `first`: a leading country code belongs to it. */
export function spanStart(chain: DigitChain, first: number): number {
  return first === 0 ? chain.start : chain.groupStarts[first];
}
