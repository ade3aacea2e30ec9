// A digit chain is a maximal run of digit groups joined by separators ("010-1234-5678",
// "4111 1111 1111 1111", "2024.01.15"), optionally led by a Korean country code ("+82 10 ...").
// It is read from the scan copy (normalize-for-scan.ts), where every dash, dot and slash is ASCII.
// A run of separators counts as one: a space if it holds whitespace (a word break, so a number may
// start or end there), a hyphen otherwise. Detectors look only at chains, so the scan is one
// left-to-right pass over the text with no pattern that can backtrack: the only regular expression
// on the hot path is a one-character class used to jump to the next digit.

const ZERO = 0x30;
const NINE = 0x39;
const PLUS = 0x2b;
const EIGHT = 0x38;
const TWO = 0x32;

export const HYPHEN = 0x2d;
export const SPACE = 0x20;
export const DOT = 0x2e;
const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** Global so that test() resumes from lastIndex and reports a match without allocating one. */
const NEXT_DIGIT = /[0-9]/g;

export interface DigitChain {
  text: string;
  /** Group i covers text[groupStarts[i], groupEnds[i]) and holds groupDigits[i] digits. */
  groupStarts: Int32Array;
  groupEnds: Int32Array;
  groupDigits: Int32Array;
  /** separators[i] joins group i and group i + 1: SPACE (the run held whitespace) or HYPHEN. */
  separators: Int32Array;
  /** 1 where that run of separators was whitespace only: single digits across it are one number. */
  whitespaceOnly: Uint8Array;
  groupCount: number;
  /** First character of the chain: the '+' of a country code, otherwise the first digit. */
  start: number;
  end: number;
  /** Led by "+82": the first group is a national number without (or with) its trunk '0'. */
  international: boolean;
  /** No digit touches the chain's start / end, so a match may begin / end there. */
  leftBounded: boolean;
  rightBounded: boolean;
}

export function createDigitChain(capacity = 64): DigitChain {
  return {
    text: '',
    groupStarts: new Int32Array(capacity),
    groupEnds: new Int32Array(capacity),
    groupDigits: new Int32Array(capacity),
    separators: new Int32Array(capacity),
    whitespaceOnly: new Uint8Array(capacity),
    groupCount: 0,
    start: 0,
    end: 0,
    international: false,
    leftBounded: false,
    rightBounded: false,
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
  chain.groupDigits = copy(chain.groupDigits);
  chain.separators = copy(chain.separators);
  const whitespaceOnly = new Uint8Array(capacity);
  whitespaceOnly.set(chain.whitespaceOnly);
  chain.whitespaceOnly = whitespaceOnly;
}

export function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

function isWhitespace(code: number): boolean {
  return code === SPACE || (code >= 0x09 && code <= 0x0d);
}

function isJoiner(code: number): boolean {
  return code === HYPHEN || code === DOT || code === SLASH || code === BACKSLASH;
}

function isSeparator(code: number): boolean {
  return isWhitespace(code) || isJoiner(code);
}

/**
 * Only a digit makes a chain edge a non-boundary (the number would be longer). Letters may touch a
 * number: Korean particles attach directly ("010-1234-5678로"), and a number with letters glued on
 * ("abc900101-1234568xyz") must not slip past.
 */
function isBoundary(text: string, outside: number): boolean {
  return outside < 0 || outside >= text.length || !isDigit(text.charCodeAt(outside));
}

/**
 * Where a full left-to-right scan would start the chain holding position `at`: the start of the
 * run of digits, separators and '+' around it. Reading from there gives the same chain.
 */
export function chainRegionStart(text: string, at: number): number {
  let start = at;
  while (start > 0) {
    const code = text.charCodeAt(start - 1);
    if (!isDigit(code) && !isSeparator(code) && code !== PLUS) break;
    start--;
  }
  return start;
}

/** Where the first group starts if the digits at `at` are a "+82" country code, else -1. */
function nationalNumberStart(text: string, at: number): number {
  if (at === 0 || text.charCodeAt(at - 1) !== PLUS) return -1;
  if (text.charCodeAt(at) !== EIGHT || text.charCodeAt(at + 1) !== TWO) return -1;
  let next = at + 2;
  while (next < text.length && isSeparator(text.charCodeAt(next))) next++;
  return isDigit(text.charCodeAt(next)) ? next : -1;
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
    chain.groupDigits[groupCount] = groupEnd - groupStart;
    let runEnd = groupEnd;
    let sawWhitespace = false;
    let sawJoiner = false;
    for (; runEnd < length; runEnd++) {
      const code = text.charCodeAt(runEnd);
      if (isWhitespace(code)) sawWhitespace = true;
      else if (isJoiner(code)) sawJoiner = true;
      else break;
    }
    if (runEnd > groupEnd && runEnd < length && isDigit(text.charCodeAt(runEnd))) {
      chain.separators[groupCount] = sawWhitespace ? SPACE : HYPHEN;
      chain.whitespaceOnly[groupCount] = sawJoiner ? 0 : 1;
      groupCount++;
      groupStart = runEnd;
      continue;
    }
    chain.groupCount = groupCount + 1;
    chain.end = groupEnd;
    break;
  }
  mergeSpacedDigits(chain);

  chain.leftBounded = isBoundary(text, chain.start - 1);
  chain.rightBounded = isBoundary(text, chain.end);
  return true;
}

/**
 * Digits written one at a time ("9 0 0 1 0 1 - 1 2 3 …") are one number: single-digit groups
 * joined by whitespace only become one group; a run holding a dash, dot or slash still separates
 * groups ("0 2 - 3 1 2 - 4 5 6 7" is 02-312-4567). Longer groups are never merged, so tables of
 * numbers stay apart.
 */
function mergeSpacedDigits(chain: DigitChain): void {
  let written = 0;
  let lastIsSpacedDigits = false;
  for (let group = 0; group < chain.groupCount; group++) {
    const digits = chain.groupDigits[group];
    if (digits === 1 && lastIsSpacedDigits && chain.whitespaceOnly[written - 1] === 1) {
      chain.groupEnds[written - 1] = chain.groupEnds[group];
      chain.groupDigits[written - 1]++;
      chain.separators[written - 1] = chain.separators[group];
      chain.whitespaceOnly[written - 1] = chain.whitespaceOnly[group];
      continue;
    }
    chain.groupStarts[written] = chain.groupStarts[group];
    chain.groupEnds[written] = chain.groupEnds[group];
    chain.groupDigits[written] = digits;
    chain.separators[written] = chain.separators[group];
    chain.whitespaceOnly[written] = chain.whitespaceOnly[group];
    lastIsSpacedDigits = digits === 1;
    written++;
  }
  chain.groupCount = written;
}

/** Digits of groups first..first+groupCount-1 as one string, separators left out (used only once a shape fits). */
export function spanDigits(chain: DigitChain, first: number, groupCount: number): string {
  const { text } = chain;
  let digits = '';
  for (let group = first; group < first + groupCount; group++) {
    // A group merged from spaced digits holds separators too; only its digits count.
    if (chain.groupDigits[group] === chain.groupEnds[group] - chain.groupStarts[group]) {
      digits += text.slice(chain.groupStarts[group], chain.groupEnds[group]);
      continue;
    }
    for (let index = chain.groupStarts[group]; index < chain.groupEnds[group]; index++) {
      if (isDigit(text.charCodeAt(index))) digits += text[index];
    }
  }
  return digits;
}

/** First character of a candidate starting at `first`: a leading country code belongs to it. */
export function spanStart(chain: DigitChain, first: number): number {
  return first === 0 ? chain.start : chain.groupStarts[first];
}
