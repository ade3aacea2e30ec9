// 주민등록번호 (resident registration number): YYMMDD-GNNNNNC.
//   G, the gender/century digit: 1,2 born 1900s; 3,4 born 2000s; 5–8 the same for foreign
//   residents (외국인등록번호). 9 and 0 (born 1800s) are not accepted: every holder is deceased,
//   and leaving them out removes a fifth of the random numbers that would otherwise pass.
//   C, the check digit: (11 − Σ wᵢdᵢ mod 11) mod 10 with weights 2..9,2..5. Older foreign
//   registration numbers used (13 − Σ mod 11) mod 10; sources disagree, so for G 5–8 either passes.
//   Numbers issued since October 2020 have a random last digit: see PiiScanSettings.rrn.
import { shapes, type Detector, type MaskLayout } from './candidate';
import { hasKeywordNear } from './context-keywords';
import { HYPHEN, SPACE, spanDigits, spanStart } from './digit-chain';

const CHECK_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const RRN_KEYWORDS = /주민|외국인등록|resident|registration|rrn/i;

/** Birth date and gender digit stay visible (`900101-1******`), the usual Korean convention. */
const RRN_MASK: MaskLayout = { keepLeading: 7, keepTrailing: 0 };

function centuryOf(genderDigit: number): number | undefined {
  if (genderDigit === 1 || genderDigit === 2 || genderDigit === 5 || genderDigit === 6) return 1900;
  if (genderDigit === 3 || genderDigit === 4 || genderDigit === 7 || genderDigit === 8) return 2000;
  return undefined;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function digitAt(digits: string, index: number): number {
  return digits.charCodeAt(index) - 0x30;
}

/** Whether 13 digits are a plausible registration number: real birth date, known G, check digit if asked. */
export function isValidRrn(digits: string, validateChecksum: boolean): boolean {
  if (!/^\d{13}$/.test(digits)) return false;
  const genderDigit = digitAt(digits, 6);
  const century = centuryOf(genderDigit);
  if (century === undefined) return false;
  const year = century + digitAt(digits, 0) * 10 + digitAt(digits, 1);
  const month = digitAt(digits, 2) * 10 + digitAt(digits, 3);
  const day = digitAt(digits, 4) * 10 + digitAt(digits, 5);
  if (month < 1 || month > 12 || day < 1) return false;
  const monthLength = month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (day > monthLength) return false;
  if (!validateChecksum) return true;

  let weighted = 0;
  for (let index = 0; index < 12; index++) weighted += digitAt(digits, index) * CHECK_WEIGHTS[index];
  const checkDigit = digitAt(digits, 12);
  if (checkDigit === (11 - (weighted % 11)) % 10) return true;
  return genderDigit >= 5 && checkDigit === (13 - (weighted % 11)) % 10;
}

/** "YYMMDD-GNNNNNC" (any dash, dot, slash or whitespace run between), or the same 13 digits unseparated. */
export const RRN_DETECTOR: Detector = {
  id: 'rrn',
  shapes: shapes([HYPHEN, SPACE], [6, 7], [13]),
  match(chain, first, groupCount, _separator, settings) {
    if (first === 0 && chain.international) return undefined;
    if (!isValidRrn(spanDigits(chain, first, groupCount), settings.rrn.validateChecksum)) return undefined;
    // Without the check digit, a valid date and G digit alone are too weak for a bare 13-digit run.
    if (groupCount === 1 && !settings.rrn.validateChecksum) {
      const start = spanStart(chain, first);
      if (!hasKeywordNear(chain.text, start, chain.groupEnds[first], RRN_KEYWORDS)) return undefined;
    }
    return RRN_MASK;
  },
};
