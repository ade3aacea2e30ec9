import { SeededRandom } from './seeded-random';
import type { HashDigest } from './stable-hash';
import { WORD_PIECE_LENGTH } from '@ai-commons/token-count';

/**
 * Vocabulary of the generated completions. Every word is lowercase ASCII and at most
 * WORD_PIECE_LENGTH letters long, so each generated piece is exactly one token for countTokens().
 */
export const COMPLETION_WORDS: readonly string[] = Object.freeze(
  [
    'account',
    'asset',
    'audit',
    'balance',
    'bank',
    'bond',
    'branch',
    'budget',
    'capital',
    'cash',
    'clear',
    'client',
    'credit',
    'custody',
    'data',
    'deposit',
    'equity',
    'exposure',
    'fund',
    'growth',
    'hedge',
    'index',
    'interest',
    'invest',
    'ledger',
    'limit',
    'liquid',
    'loan',
    'margin',
    'market',
    'model',
    'monitor',
    'payment',
    'policy',
    'premium',
    'price',
    'quota',
    'rate',
    'record',
    'report',
    'reserve',
    'review',
    'risk',
    'savings',
    'secure',
    'settle',
    'share',
    'signal',
    'spread',
    'stable',
    'tenant',
    'trade',
    'trend',
    'trust',
    'value',
    'verify',
    'volume',
    'wallet',
    'yield',
    'the',
    'and',
    'with',
    'for',
    'across',
  ].filter((word) => word.length <= WORD_PIECE_LENGTH),
);

/** Chance that a word is followed by a punctuation token. */
const PUNCTUATION_RATE = 0.12;

/**
 * The first `count` pieces of the completion fixed by `seed`. Each piece is one token: a word
 * (with a leading space, except the very first piece) or "," / ".".
 * Pieces depend only on the seed and their position, so a shorter completion is a prefix of a
 * longer one with the same seed.
 */
export function completionPieces(seed: HashDigest, count: number): string[] {
  const random = new SeededRandom(seed);
  const pieces = new Array<string>(count);
  let sentenceStart = true;
  let previousWasWord = false;
  for (let index = 0; index < count; index++) {
    if (previousWasWord && random.nextFloat() < PUNCTUATION_RATE) {
      const fullStop = random.nextFloat() < 0.5;
      pieces[index] = fullStop ? '.' : ',';
      sentenceStart = fullStop;
      previousWasWord = false;
      continue;
    }
    const word = COMPLETION_WORDS[random.nextBelow(COMPLETION_WORDS.length)];
    const spelled = sentenceStart ? word[0].toUpperCase() + word.slice(1) : word;
    pieces[index] = index === 0 ? spelled : ` ${spelled}`;
    sentenceStart = false;
    previousWasWord = true;
  }
  return pieces;
}
