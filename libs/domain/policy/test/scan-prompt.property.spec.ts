import fc from 'fast-check';
import { scanPrompt } from '../src';
import { allDetectors } from './fixtures';
import { digits, validCard, validRrn } from './pii-disguises';

const RUNS = { numRuns: 200 };
const MASK_ALL = allDetectors('mask');

function groupCard(number: string, separator: string): string {
  const lengths = number.length === 15 ? [4, 6, 5] : number.length === 19 ? [4, 4, 4, 4, 3] : [4, 4, 4, 4];
  let at = 0;
  return lengths.map((length) => number.slice((at += length) - length, at)).join(separator);
}

/** Digit-free surrounding text; a space separates it from the number. */
const filler = fc
  .array(fc.constantFrom('고객', '님의', '번호는', 'the', 'number', 'is', ',', '.', '(', ')', ':', '\n', '입니다', '확인', 'please'), { maxLength: 8 })
  .map((words) => words.join(' '));

function onlyDigits(text: string): string {
  return text.replace(/\D/g, '');
}

describe('scanPrompt properties', () => {
  it('always finds and masks a valid resident registration number, leaving only birth date and G digit', () => {
    fc.assert(
      fc.property(validRrn, fc.boolean(), filler, filler, (rrn, hyphenated, before, after) => {
        const written = hyphenated ? `${rrn.slice(0, 6)}-${rrn.slice(6)}` : rrn;
        const text = `${before} ${written} ${after}`;
        const scan = scanPrompt(text, MASK_ALL);
        expect(scan.findings).toEqual([{ detector: 'rrn', count: 1 }]);
        expect(scan.maskedText).toHaveLength(text.length);
        expect(onlyDigits(scan.maskedText ?? '')).toBe(rrn.slice(0, 7));
      }),
      RUNS,
    );
  });

  it('always finds and masks a valid card number of a known brand, leaving only the last four', () => {
    fc.assert(
      fc.property(validCard, fc.constantFrom('', ' ', '-'), filler, filler, (card, separator, before, after) => {
        const written = separator === '' ? card : groupCard(card, separator);
        const text = `${before} ${written} ${after}`;
        const scan = scanPrompt(text, MASK_ALL);
        expect(scan.findings).toEqual([{ detector: 'card', count: 1 }]);
        expect(onlyDigits(scan.maskedText ?? '')).toBe(card.slice(-4));
      }),
      RUNS,
    );
  });

  it('always finds and masks a mobile number, leaving only the prefix and the last four', () => {
    fc.assert(
      fc.property(digits(4), digits(4), fc.constantFrom('-', ' ', '.', ''), filler, (exchange, subscriber, separator, before) => {
        const text = `${before} 010${separator}${exchange}${separator}${subscriber}`;
        const scan = scanPrompt(text, MASK_ALL);
        expect(scan.findings).toEqual([{ detector: 'phone', count: 1 }]);
        expect(onlyDigits(scan.maskedText ?? '')).toBe(`010${subscriber}`);
      }),
      RUNS,
    );
  });

  it('finds nothing in text without digits', () => {
    // Digit-free after normalisation too: no character whose NFKC form holds a decimal digit of any script.
    const digitFree = fc
      .string({ unit: 'binary', maxLength: 400 })
      .map((text) => [...text].filter((character) => !/\p{Nd}/u.test(character.normalize('NFKC'))).join(''));
    fc.assert(
      fc.property(digitFree, (text) => {
        expect(scanPrompt(text, allDetectors('block'))).toEqual({ findings: [], blocked: false });
      }),
      RUNS,
    );
  });

  it('only ever replaces digits with *, never moves or adds characters, and never returns text when blocking', () => {
    const noisy = fc.string({ unit: fc.constantFrom(...'0123456789', '-', ' ', '.', '+', '8', '2', 'a', '가', '계좌', '카드', '\n'), maxLength: 300 });
    fc.assert(
      fc.property(noisy, fc.constantFrom('mask', 'block'), (text, mode) => {
        const scan = scanPrompt(text, allDetectors(mode as 'mask' | 'block'));
        if (mode === 'block') expect(scan.maskedText).toBeUndefined();
        if (scan.maskedText === undefined) return;
        expect(scan.maskedText).toHaveLength(text.length);
        for (let index = 0; index < text.length; index++) {
          if (scan.maskedText[index] !== text[index]) {
            expect(scan.maskedText[index]).toBe('*');
            expect(text[index]).toMatch(/[0-9]/);
          }
        }
      }),
      RUNS,
    );
  });
});
