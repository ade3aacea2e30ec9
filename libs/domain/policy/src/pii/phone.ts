// Korean phone numbers:
//   mobile    010-XXXX-XXXX, 011/016/017/018/019-XXX(X)-XXXX (any separator, or none)
//   Seoul     02-XXX(X)-XXXX
//   area      031–033, 041–044, 051–055, 061–064 -XXX(X)-XXXX
//   internet  070-XXXX-XXXX
//   with +82  the same without the trunk '0' (+82 10-1234-5678, +82-2-312-4567, +821012345678);
//             "+82 010-…", a common slip, is accepted too.
// Landline exchanges start with 2–9 (1XX are service numbers). Landline and internet numbers must
// be separated (any dash, dot, slash or whitespace): an unseparated 9–11-digit number starting with 0 is as often a
// zero-padded id. Representative numbers (1588-XXXX) are a business's, not a person's: not matched.
import { shapes, type Detector, type MaskLayout } from './candidate';
import { HYPHEN, SPACE, spanDigits } from './digit-chain';

type PrefixKind = 'mobile-010' | 'mobile-legacy' | 'area' | 'internet';

const AREA_PREFIXES = new Set(['2', '31', '32', '33', '41', '42', '43', '44', '51', '52', '53', '54', '55', '61', '62', '63', '64']);
const LEGACY_MOBILE_PREFIXES = new Set(['11', '16', '17', '18', '19']);

/** Masks keep the written prefix (country code included) and the last four: `010-****-5678`. */
const MASKS_BY_KEPT_PREFIX: readonly MaskLayout[] = [0, 1, 2, 3, 4, 5, 6].map((keepLeading) => ({ keepLeading, keepTrailing: 4 }));

function prefixKind(nationalPrefix: string): PrefixKind | undefined {
  if (nationalPrefix === '10') return 'mobile-010';
  if (LEGACY_MOBILE_PREFIXES.has(nationalPrefix)) return 'mobile-legacy';
  if (nationalPrefix === '70') return 'internet';
  if (AREA_PREFIXES.has(nationalPrefix)) return 'area';
  return undefined;
}

/** The prefix without its trunk '0', which a domestic number must have and an international one may. */
function nationalPrefix(written: string, international: boolean): string | undefined {
  if (written.startsWith('0')) return written.slice(1);
  return international ? written : undefined;
}

function fitsExchange(kind: PrefixKind, exchange: string): boolean {
  switch (kind) {
    case 'mobile-010':
    case 'internet':
      return exchange.length === 4;
    case 'mobile-legacy':
      return true;
    case 'area':
      return exchange[0] !== '0' && exchange[0] !== '1';
  }
}

/** Unseparated numbers are matched for mobiles only; returns the written prefix length or 0. */
function unseparatedMobilePrefixLength(digits: string, international: boolean): number {
  const trunk = digits.startsWith('0');
  if (!trunk && !international) return 0;
  const national = trunk ? digits.slice(1) : digits;
  const prefix = national.slice(0, 2);
  const rest = national.length - 2;
  const fits = prefix === '10' ? rest === 8 : LEGACY_MOBILE_PREFIXES.has(prefix) && (rest === 7 || rest === 8);
  return fits ? (trunk ? 3 : 2) : 0;
}

export const PHONE_DETECTOR: Detector = {
  id: 'phone',
  shapes: shapes([HYPHEN, SPACE], [1, 3, 4], [1, 4, 4], [2, 3, 4], [2, 4, 4], [3, 3, 4], [3, 4, 4], [9], [10], [11]),
  match(chain, first, groupCount) {
    const international = first === 0 && chain.international;
    const countryCodeDigits = international ? 2 : 0;
    if (groupCount === 1) {
      const prefixLength = unseparatedMobilePrefixLength(spanDigits(chain, first, 1), international);
      return prefixLength === 0 ? undefined : MASKS_BY_KEPT_PREFIX[countryCodeDigits + prefixLength];
    }
    const written = spanDigits(chain, first, 1);
    const exchange = spanDigits(chain, first + 1, 1);
    const prefix = nationalPrefix(written, international);
    const kind = prefix === undefined ? undefined : prefixKind(prefix);
    if (kind === undefined || !fitsExchange(kind, exchange)) return undefined;
    return MASKS_BY_KEPT_PREFIX[countryCodeDigits + written.length];
  },
};
