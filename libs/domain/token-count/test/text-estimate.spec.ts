import fc from 'fast-check';
import { countTokens } from '../src/tokenizer';
import { estimateTextTokens } from '../src/text-estimate';

/** Text the gateway sees: Korean, mixed scripts, emoji, digits, punctuation, any code unit. */
const HANGUL = fc.integer({ min: 0xac00, max: 0xd7a3 }).map((code) => String.fromCharCode(code));
const JAMO = fc.integer({ min: 0x3131, max: 0x318e }).map((code) => String.fromCharCode(code));
const PIECES = fc.oneof(
  HANGUL,
  JAMO,
  fc.constantFrom(' ', '\n', '\t', '\u3000', '\u00a0', '.', ',', '!', '?', '~', '…', '“', '₩', '%', '😀', '👩‍💻', '🇰🇷', 'é', 'e\u0301', 'ß', '東京', 'カタ'),
  fc.stringMatching(/^[A-Za-z]{1,20}$/),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.string({ unit: 'binary', maxLength: 4 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)), maxLength: 3 }),
);
const TEXT = fc.array(PIECES, { maxLength: 40 }).map((pieces) => pieces.join(''));

describe('estimateTextTokens', () => {
  it.each([
    ['', 0, 0],
    ['안녕하세요', 5, 5],
    ['잔액 조회 부탁해요', 8, 8],
    ['reconciliation', 2, 4],
    ['3.14159', 3, 4],
    ['2024년 3분기 순이익은 1,234억 원입니다.', 18, 19],
    ['😀😀', 2, 2],
    ['naïve café', 2, 5],
  ])('%j: the simulator counts %i, the estimate %i', (text, simulator, estimate) => {
    expect(countTokens(text)).toBe(simulator);
    expect(estimateTextTokens(text)).toBe(estimate);
  });

  it('never undercounts the simulator tokenizer, for any text', () => {
    fc.assert(
      fc.property(TEXT, (text) => {
        expect(estimateTextTokens(text)).toBeGreaterThanOrEqual(countTokens(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('counts Hangul syllables exactly as the simulator does (one token each)', () => {
    fc.assert(
      fc.property(fc.array(HANGUL, { maxLength: 200 }), (syllables) => {
        const text = syllables.join('');
        expect(estimateTextTokens(text)).toBe(countTokens(text));
        expect(estimateTextTokens(text)).toBe(syllables.length);
      }),
    );
  });

  it('is subadditive: pieces counted one by one (a stream) never count less than the whole', () => {
    fc.assert(
      fc.property(TEXT, TEXT, (left, right) => {
        expect(estimateTextTokens(left) + estimateTextTokens(right)).toBeGreaterThanOrEqual(estimateTextTokens(left + right));
      }),
    );
  });
});
