/**
 * The gateway's token estimate of a text: an upper bound of `countTokens` (the model simulator's
 * tokenizer) for every string, and cheap enough for the request path — one pass over the UTF-16
 * code units, no regular expressions, no allocation.
 *  - whitespace (ASCII) costs nothing, as for the simulator;
 *  - a run of ASCII letters costs one token per started LETTERS_PER_TOKEN letters, a run of digits
 *    one per started DIGITS_PER_TOKEN digits: tighter than the simulator's eight-character pieces
 *    because BPE tokenizers average about four letters per English token and split numbers into
 *    groups of at most three digits;
 *  - every other code point costs one token: Hangul syllables, Han, kana, emoji, punctuation, and
 *    non-ASCII letters and spaces (the simulator counts those as much or less).
 * Upper bound: the simulator's word runs split into ASCII-letter, digit and other segments here, and
 * Σ⌈aᵢ/k⌉ ≥ ⌈Σaᵢ/8⌉ for k ≤ 8; every other character costs 1 in both. Subadditive too: the estimate
 * of a concatenation is at most the sum of the parts' (a stream's pieces can be counted one by one).
 */
export const LETTERS_PER_TOKEN = 4;
export const DIGITS_PER_TOKEN = 3;

export function estimateTextTokens(text: string): number {
  let tokens = 0;
  let letters = 0;
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a)) {
      if (letters % LETTERS_PER_TOKEN === 0) tokens++;
      letters++;
      digits = 0;
      continue;
    }
    if (code >= 0x30 && code <= 0x39) {
      if (digits % DIGITS_PER_TOKEN === 0) tokens++;
      digits++;
      letters = 0;
      continue;
    }
    letters = 0;
    digits = 0;
    if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) continue;
    // The second half of a surrogate pair belongs to the code point already counted.
    if (code >= 0xdc00 && code <= 0xdfff && index > 0 && isHighSurrogate(text.charCodeAt(index - 1))) continue;
    tokens++;
  }
  return tokens;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
