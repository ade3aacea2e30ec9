// Payment card numbers: 13–19 digits passing the Luhn check, written
//   - in groups separated by spaces or hyphens: 4-4-4-4 (16), 4-4-4-4-3 (19), 4-6-5 (15, Amex),
//     4-6-4 (14, Diners) — the grouping alone says "card";
//   - or unseparated, which order, transaction and tracking ids also are (a tenth of random digit
//     strings pass Luhn), so an unseparated run additionally needs a known brand prefix (IIN) or a
//     card keyword nearby.
import { hasGroupLengths, type CandidateMatcher, type MaskLayout } from './candidate';
import { hasKeywordNear } from './context-keywords';
import { HYPHEN, SPACE, groupLength, spanDigits, spanStart } from './digit-chain';

const CARD_KEYWORDS = /카드|card|결제|신용|체크|visa|master|amex|jcb|unionpay/i;
const GROUPED_SHAPES: readonly (readonly number[])[] = [[4, 4, 4, 4], [4, 4, 4, 4, 3], [4, 6, 5], [4, 6, 4]];

/** PCI DSS allows the last four to be shown: `**** **** **** 1234`. */
export const CARD_MASK: MaskLayout = { keepLeading: 0, keepTrailing: 4 };

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let index = digits.length - 1; index >= 0; index--) {
    let digit = digits.charCodeAt(index) - 0x30;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return sum % 10 === 0;
}

function prefix(digits: string, length: number): number {
  return Number(digits.slice(0, length));
}

/**
 * Visa 4; Mastercard 51–55, 2221–2720; Amex 34, 37; Diners 300–305, 36, 38–39; Discover 6011,
 * 644–649, 65; JCB 3528–3589; UnionPay 62; and 16-digit numbers starting with 9, which Korean
 * issuers use for domestic-only cards (국내전용카드). Maestro and other ranges are not listed.
 */
export function hasKnownIin(digits: string): boolean {
  const one = prefix(digits, 1);
  const two = prefix(digits, 2);
  const three = prefix(digits, 3);
  const four = prefix(digits, 4);
  return one === 4
    || (two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)
    || two === 34 || two === 37
    || (three >= 300 && three <= 305) || two === 36 || two === 38 || two === 39
    || four === 6011 || (three >= 644 && three <= 649) || two === 65
    || (four >= 3528 && four <= 3589)
    || two === 62
    || (one === 9 && digits.length === 16);
}

export const matchCard: CandidateMatcher = (chain, first, groupCount, separator, settings) => {
  if (first === 0 && chain.international) return undefined;
  const unseparated = groupCount === 1;
  if (unseparated) {
    const length = groupLength(chain, first);
    if (length < 13 || length > 19) return undefined;
  } else {
    if (separator !== SPACE && separator !== HYPHEN) return undefined;
    if (!GROUPED_SHAPES.some((shape) => shape.length === groupCount && hasGroupLengths(chain, first, shape))) {
      return undefined;
    }
  }
  const digits = spanDigits(chain, first, groupCount);
  if (!passesLuhn(digits)) return undefined;
  const knownIin = hasKnownIin(digits);
  if (settings.card.requireKnownIin && !knownIin) return undefined;
  if (unseparated && !knownIin) {
    const start = spanStart(chain, first);
    if (!hasKeywordNear(chain.text, start, chain.groupEnds[first], CARD_KEYWORDS)) return undefined;
  }
  return CARD_MASK;
};
