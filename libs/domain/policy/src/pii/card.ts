// Payment card numbers: 13–19 digits passing the Luhn check, written
//   - in groups separated by spaces or hyphens: 4-4-4-4 (16), 4-4-4-4-3 (19), 4-6-5 (15, Amex),
//     4-6-4 (14, Diners) — the grouping alone says "card";
//   - or unseparated, which order, transaction and tracking ids also are (a tenth of random digit
//     strings pass Luhn), so an unseparated run additionally needs a known brand prefix (IIN) or a
//     card keyword nearby.
import { shapes, type Detector, type MaskLayout } from './candidate';
import { hasKeywordNear } from './context-keywords';
import { HYPHEN, SPACE, isDigit, spanStart } from './digit-chain';

const CARD_KEYWORDS = /카드|card|결제|신용|체크|visa|master|amex|jcb|unionpay/i;

/** PCI DSS allows the last four to be shown: `**** **** **** 1234`. */
const CARD_MASK: MaskLayout = { keepLeading: 0, keepTrailing: 4 };

/** Luhn over the digits of text[start, end), skipping separators; no copy of the number is made. */
function luhnOverText(text: string, start: number, end: number): boolean {
  let sum = 0;
  let double = false;
  for (let index = end - 1; index >= start; index--) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) continue;
    let digit = code - 0x30;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

export function passesLuhn(digits: string): boolean {
  return /^\d+$/.test(digits) && luhnOverText(digits, 0, digits.length);
}

/** The first four digits of text[start, …) as a number, skipping separators. */
function leadingFour(text: string, start: number): number {
  let value = 0;
  for (let index = start, taken = 0; taken < 4; index++) {
    const code = text.charCodeAt(index);
    if (!isDigit(code)) continue;
    value = value * 10 + code - 0x30;
    taken++;
  }
  return value;
}

/**
 * Visa 4; Mastercard 51–55, 2221–2720; Amex 34, 37; Diners 300–305, 36, 38–39; Discover 6011,
 * 644–649, 65; JCB 3528–3589; UnionPay 62; and 16-digit numbers starting with 9, which Korean
 * issuers use for domestic-only cards (국내전용카드). Maestro and other ranges are not listed.
 */
function isKnownIin(four: number, digitCount: number): boolean {
  const one = Math.floor(four / 1000);
  const two = Math.floor(four / 100);
  const three = Math.floor(four / 10);
  return (
    one === 4 ||
    (two >= 51 && two <= 55) ||
    (four >= 2221 && four <= 2720) ||
    two === 34 ||
    two === 37 ||
    (three >= 300 && three <= 305) ||
    two === 36 ||
    two === 38 ||
    two === 39 ||
    four === 6011 ||
    (three >= 644 && three <= 649) ||
    two === 65 ||
    (four >= 3528 && four <= 3589) ||
    two === 62 ||
    (one === 9 && digitCount === 16)
  );
}

export function hasKnownIin(digits: string): boolean {
  return /^\d{13,19}$/.test(digits) && isKnownIin(Number(digits.slice(0, 4)), digits.length);
}

export const CARD_DETECTOR: Detector = {
  id: 'card',
  shapes: shapes([SPACE, HYPHEN], [4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 6, 5], [4, 6, 4], [13], [14], [15], [16], [17], [18], [19]),
  match(chain, first, groupCount, _separator, settings) {
    if (first === 0 && chain.international) return undefined;
    const text = chain.text;
    const start = spanStart(chain, first);
    const end = chain.groupEnds[first + groupCount - 1];
    if (!luhnOverText(text, start, end)) return undefined;
    let digitCount = 0;
    for (let group = first; group < first + groupCount; group++) digitCount += chain.groupDigits[group];
    const knownIin = isKnownIin(leadingFour(text, start), digitCount);
    if (settings.card.requireKnownIin && !knownIin) return undefined;
    // Unseparated runs are as often order or transaction ids: need a brand prefix or a keyword.
    if (groupCount === 1 && !knownIin && !hasKeywordNear(text, start, end, CARD_KEYWORDS)) return undefined;
    return CARD_MASK;
  },
};
