import fc from 'fast-check';
import { countTokens, WORD_PIECE_LENGTH } from '../src/tokenizer';

describe('countTokens', () => {
  it.each([
    ['', 0],
    ['   \n\t ', 0],
    ['hello', 1],
    ['Hello, world!', 4],
    ['reconciliation', 2], // 14 letters: two pieces of 8
    ['abcdefgh', 1],
    ['abcdefghi', 2],
    ['3.14159', 3],
    ['안녕하세요', 5],
    ['잔액 조회 부탁해요', 8],
    ['東京', 2],
    ['naïve café', 2],
    ['e\u0301t\u00e9', 1], // combining accent stays in the word
    ['😀😀', 2],
    ['a-b', 3],
  ])('counts %j as %i tokens', (text, expected) => {
    expect(countTokens(text)).toBe(expected);
  });

  const text = fc.string({ unit: 'grapheme', maxLength: 60 });

  it('costs nothing for whitespace between tokens', () => {
    fc.assert(
      fc.property(text, text, fc.constantFrom(' ', '\n', '\t', '\u3000'), (left, right, space) => {
        expect(countTokens(`${left}${space}${right}`)).toBe(countTokens(left) + countTokens(right));
      }),
    );
  });

  it('counts a word run as one token per started WORD_PIECE_LENGTH characters', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,64}$/), (word) => {
        expect(countTokens(word)).toBe(Math.ceil(word.length / WORD_PIECE_LENGTH));
      }),
    );
  });

  it('never counts more tokens than code points', () => {
    fc.assert(
      fc.property(text, (value) => {
        expect(countTokens(value)).toBeLessThanOrEqual([...value].length);
      }),
    );
  });
});
