import fc from 'fast-check';
import { scanPrompt } from '../src';
import { allDetectors } from './fixtures';
import { digitsKept, digitsOf, disguise, disguised, personalNumber } from './pii-disguises';

// Issue 10 §5: no disguise of the listed kinds, alone or combined, lets a valid number through.
describe('scanPrompt sees through disguises', () => {
  it('masks every valid number however it is disguised, leaving only the digits its mask keeps', () => {
    fc.assert(fc.property(personalNumber, disguise, (number, how) => {
      const text = disguised(number, how);
      const scan = scanPrompt(text, allDetectors('mask'));
      expect(scan.findings.length).toBeGreaterThan(0);
      expect(scan.maskedText).toBeDefined();
      expect(digitsOf(scan.maskedText!)).toBe(digitsKept(number));
    }), { numRuns: 2000 });
  });

  it('blocks every valid number however it is disguised', () => {
    fc.assert(fc.property(personalNumber, disguise, (number, how) => {
      const scan = scanPrompt(disguised(number, how), allDetectors('block'));
      expect(scan.blocked).toBe(true);
      expect(scan.maskedText).toBeUndefined();
    }), { numRuns: 1000 });
  });
});
