/**
 * The model simulator's deterministic tokenizer (apps/model-simulator counts usage with it). It is not BPE; it only has to count consistently and
 * roughly like real tokenizers do for English and Korean text:
 *  - whitespace separates tokens and costs nothing;
 *  - each Hangul, Han (CJK ideograph), Hiragana or Katakana character is one token;
 *  - any other run of letters, digits and combining marks costs one token per started
 *    WORD_PIECE_LENGTH characters ("ledger" = 1, "reconciliation" = 2);
 *  - every other character (punctuation, symbols, emoji) is one token.
 * Characters are counted as Unicode code points.
 */
export const WORD_PIECE_LENGTH = 8;

const WHITESPACE = /\s/uy;
const SYLLABIC = /[\p{Script=Hangul}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/uy;
const WORD_CHARACTER = /[\p{L}\p{N}\p{M}]/uy;

export function countTokens(text: string): number {
  let tokens = 0;
  let wordRun = 0;
  for (let index = 0; index < text.length;) {
    const code = text.charCodeAt(index);
    let width = 1;
    let kind: CharacterKind;
    if (code < 0x80) {
      kind = asciiKind(code);
    } else {
      if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) width = 2;
      kind = unicodeKind(text, index);
    }
    index += width;
    if (kind === CharacterKind.Word) {
      if (wordRun % WORD_PIECE_LENGTH === 0) tokens++;
      wordRun++;
      continue;
    }
    wordRun = 0;
    if (kind !== CharacterKind.Whitespace) tokens++;
  }
  return tokens;
}

const enum CharacterKind {
  Whitespace,
  Word,
  Single,
}

function asciiKind(code: number): CharacterKind {
  if ((code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) {
    return CharacterKind.Word;
  }
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return CharacterKind.Whitespace;
  return CharacterKind.Single;
}

function unicodeKind(text: string, index: number): CharacterKind {
  if (matchesAt(WHITESPACE, text, index)) return CharacterKind.Whitespace;
  if (matchesAt(SYLLABIC, text, index)) return CharacterKind.Single;
  if (matchesAt(WORD_CHARACTER, text, index)) return CharacterKind.Word;
  return CharacterKind.Single;
}

// Sticky regexes test at an offset without slicing the string.
function matchesAt(pattern: RegExp, text: string, index: number): boolean {
  pattern.lastIndex = index;
  return pattern.test(text);
}
