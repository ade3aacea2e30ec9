import fc from 'fast-check';
import { COMPLETION_WORDS, completionPieces } from './completion-text';
import { StableHasher } from './stable-hash';
import { countTokens, WORD_PIECE_LENGTH } from '@ai-commons/token-count';

const seeds = fc.string().map((text) => new StableHasher().text(text).digest());

describe('completionPieces', () => {
  it('only uses words the tokenizer counts as one token', () => {
    for (const word of COMPLETION_WORDS) {
      expect(word).toMatch(/^[a-z]+$/);
      expect(word.length).toBeLessThanOrEqual(WORD_PIECE_LENGTH);
    }
  });

  it('produces exactly `count` tokens, each piece being one token', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 300 }), (seed, count) => {
        const pieces = completionPieces(seed, count);
        expect(pieces).toHaveLength(count);
        for (const piece of pieces) expect(countTokens(piece)).toBe(1);
        expect(countTokens(pieces.join(''))).toBe(count);
      }),
    );
  });

  it('is deterministic, and a shorter completion is a prefix of a longer one', () => {
    fc.assert(
      fc.property(seeds, fc.integer({ min: 1, max: 100 }), fc.integer({ min: 0, max: 100 }), (seed, short, extra) => {
        const longer = completionPieces(seed, short + extra);
        expect(completionPieces(seed, short)).toEqual(longer.slice(0, short));
      }),
    );
  });

  it('reads like text: starts with a capital, never two punctuation marks in a row', () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const text = completionPieces(seed, 80).join('');
        expect(text).toMatch(/^[A-Z]/);
        expect(text).not.toMatch(/[.,][.,]/);
        expect(text).not.toMatch(/\. [a-z]/);
      }),
    );
  });

  it('spreads different seeds over different texts', () => {
    const texts = new Set(Array.from({ length: 200 }, (_, index) => completionPieces(new StableHasher().text(`prompt ${index}`).digest(), 8).join('')));
    expect(texts.size).toBe(200);
  });
});
