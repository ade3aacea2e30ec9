import fc from 'fast-check';
import { scanPrompt } from '../src';
import { allDetectors } from './fixtures';
import { digitsOf, disguise, disguised, leavesOnlyKeptDigits, personalNumber } from './pii-disguises';

// Issue 10 §5: no disguise of the listed kinds, alone or combined, lets a valid number through.
describe('scanPrompt sees through disguises', () => {
  it('masks every valid number however it is disguised, leaving at most the digits its mask keeps', () => {
    fc.assert(
      fc.property(personalNumber, disguise, (number, how) => {
        const text = disguised(number, how);
        const scan = scanPrompt(text, allDetectors('mask'));
        expect(scan.findings.length).toBeGreaterThan(0);
        expect(scan.maskedText).toBeDefined();
        // Another reading may mask a few kept digits too (over-masking is safe); nothing hidden may remain.
        expect(leavesOnlyKeptDigits(digitsOf(scan.maskedText!), number)).toBe(true);
      }),
      { numRuns: Number(process.env.PII_PROPERTY_RUNS ?? 2000) },
    );
  });

  it('blocks every valid number however it is disguised', () => {
    fc.assert(
      fc.property(personalNumber, disguise, (number, how) => {
        const scan = scanPrompt(disguised(number, how), allDetectors('block'));
        expect(scan.blocked).toBe(true);
        expect(scan.maskedText).toBeUndefined();
      }),
      { numRuns: Number(process.env.PII_PROPERTY_RUNS ?? 1000) },
    );
  });
});
