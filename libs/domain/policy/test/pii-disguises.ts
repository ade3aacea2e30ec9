// Generators for property tests: valid personal numbers of every detector, and disguises of the
// kinds a careless or hiding writer uses (issue 10 §5), drawn and combined at random. Shared by the
// policy lib's property test and the gateway end-to-end test (what the model actually receives).
import fc from 'fast-check';

// Independent test-side implementations of the check digits, used only to generate valid numbers.
export function rrnCheckDigit(first12: string): number {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const sum = [...first12].reduce((total, digit, index) => total + Number(digit) * weights[index], 0);
  return (11 - (sum % 11)) % 10;
}

export function luhnCheckDigit(body: string): number {
  let sum = 0;
  [...body].reverse().forEach((character, index) => {
    const doubled = Number(character) * (index % 2 === 0 ? 2 : 1);
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  return (10 - (sum % 10)) % 10;
}

export const digits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const twoDigits = (value: number) => String(value).padStart(2, '0');

export const validRrn = fc
  .record({
    date: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
    foreign: fc.boolean(),
    female: fc.boolean(),
    serial: digits(5),
  })
  .map(({ date, foreign, female, serial }) => {
    const year = date.getUTCFullYear();
    const genderDigit = (year >= 2000 ? 3 : 1) + (female ? 1 : 0) + (foreign ? 4 : 0);
    const first12 = `${twoDigits(year % 100)}${twoDigits(date.getUTCMonth() + 1)}${twoDigits(date.getUTCDate())}${genderDigit}${serial}`;
    return `${first12}${rrnCheckDigit(first12)}`;
  });

const BRANDS: readonly { readonly prefixes: readonly string[]; readonly length: number }[] = [
  { prefixes: ['4'], length: 16 },
  { prefixes: ['51', '52', '53', '54', '55', '2221', '2500', '2720'], length: 16 },
  { prefixes: ['34', '37'], length: 15 },
  { prefixes: ['6011', '65'], length: 16 },
  { prefixes: ['3528', '3589'], length: 16 },
  { prefixes: ['62'], length: 19 },
  { prefixes: ['94', '95'], length: 16 },
];

export const validCard = fc
  .constantFrom(...BRANDS)
  .chain(({ prefixes, length }) => fc.tuple(fc.constantFrom(...prefixes), fc.constant(length)))
  .chain(([prefix, length]) =>
    digits(length - prefix.length - 1).map((body) => {
      const withoutCheck = prefix + body;
      return `${withoutCheck}${luhnCheckDigit(withoutCheck)}`;
    }),
  );

export function cardGroups(card: string): number[] {
  return card.length === 15 ? [4, 6, 5] : card.length === 19 ? [4, 4, 4, 4, 3] : [4, 4, 4, 4];
}

/** A personal number as written normally: its digit groups, and the words that make it one. */
export interface PersonalNumber {
  readonly detector: 'rrn' | 'card' | 'bankAccount' | 'phone';
  readonly groups: readonly string[];
  /** Whether the groups may also be run together (unseparated accounts and landlines are not matched). */
  readonly mayRunTogether: boolean;
  /** Words written before it (accounts need a bank keyword). */
  readonly context: string;
}

function split(number: string, lengths: readonly number[]): string[] {
  let at = 0;
  return lengths.map((length) => number.slice((at += length) - length, at));
}

const rrnNumber = validRrn.map((rrn): PersonalNumber => ({ detector: 'rrn', groups: split(rrn, [6, 7]), mayRunTogether: true, context: '주민등록번호' }));
const cardNumber = validCard.map((card): PersonalNumber => ({
  detector: 'card',
  groups: split(card, cardGroups(card)),
  mayRunTogether: true,
  context: '카드',
}));
const ACCOUNT_SHAPES = [
  [3, 2, 6],
  [3, 3, 6],
  [3, 6, 5],
  [4, 3, 6],
  [6, 2, 6],
  [4, 2, 7],
  [4, 4, 4],
  [3, 4, 4, 2],
  [3, 6, 2, 3],
  [3, 2, 4, 3],
];
const accountNumber = fc
  .constantFrom(...ACCOUNT_SHAPES)
  .chain((shape) => fc.tuple(...shape.map((length) => digits(length))))
  .map((groups): PersonalNumber => ({ detector: 'bankAccount', groups, mayRunTogether: false, context: '입금 계좌' }));
const mobileNumber = fc
  .tuple(fc.constantFrom('010', '011', '016', '017', '018', '019'), digits(4), digits(4))
  .map((groups): PersonalNumber => ({ detector: 'phone', groups, mayRunTogether: true, context: '연락처' }));
const landlineNumber = fc
  .tuple(fc.constantFrom('02', '031', '051', '064', '070'), fc.integer({ min: 2, max: 9 }), digits(3), digits(4))
  .map(([area, exchangeHead, exchangeRest, subscriber]): PersonalNumber => ({
    detector: 'phone',
    groups: [area, `${exchangeHead}${exchangeRest}`, subscriber],
    mayRunTogether: false,
    context: '전화',
  }));

export const personalNumber = fc.oneof(rrnNumber, cardNumber, accountNumber, mobileNumber, landlineNumber);

/** Each script's digits 0–9, one code point each; the scanner must read them all as ASCII digits. */
const DIGIT_ZEROS = [
  0x30, 0xff10 /* full-width */, 0x0660 /* Arabic-Indic */, 0x06f0 /* extended Arabic-Indic */, 0x0966 /* Devanagari */, 0x09e6 /* Bengali */,
  0x0e50 /* Thai */, 0x1d7ce /* mathematical bold */, 0x1d7d8 /* double-struck */, 0x1d7f6 /* monospace */,
];
const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\ufeff', '\u180e', '\u034f'];
/** What may stand between two groups, separating them. */
const SEPARATORS = [
  '-',
  ' ',
  '.',
  '/',
  '\u2013',
  '\u2014',
  '\u2212',
  '\u2010',
  '\u2011',
  '\ufe63',
  '\uff0d',
  '-\n',
  '\n',
  ' - ',
  '.\n',
  '\u3000',
  '\u00a0',
  '\u30fc',
  '\u3161',
  '\u00b7',
  '\u00ad',
  '\u200b',
  '\t',
  '\r\n',
];
/** What may stand between two single digits when they are spaced out. */
const DIGIT_SPACERS = [' ', '\u00a0', '\u2009', '\u3000'];
const GLUED = ['', '', 'abc', 'ID', 'x_', 'no.', '번호', '는'];

export interface Disguise {
  readonly script: number;
  readonly mixScripts: boolean;
  readonly perDigitScripts: readonly number[];
  readonly separators: readonly string[];
  readonly runTogether: boolean;
  readonly spacedDigits: boolean;
  readonly spacer: string;
  readonly invisibles: readonly { readonly at: number; readonly character: string }[];
  readonly before: string;
  readonly after: string;
}

export const disguise: fc.Arbitrary<Disguise> = fc.record({
  script: fc.constantFrom(...DIGIT_ZEROS),
  mixScripts: fc.boolean(),
  perDigitScripts: fc.array(fc.constantFrom(...DIGIT_ZEROS), { minLength: 20, maxLength: 20 }),
  separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 4, maxLength: 4 }),
  runTogether: fc.boolean(),
  spacedDigits: fc.boolean(),
  spacer: fc.constantFrom(...DIGIT_SPACERS),
  invisibles: fc.array(fc.record({ at: fc.nat({ max: 40 }), character: fc.constantFrom(...INVISIBLES) }), { maxLength: 4 }),
  before: fc.constantFrom(...GLUED),
  after: fc.constantFrom(...GLUED),
});

/**
 * The number written with the disguise: digits of other scripts, look-alike or invisible
 * separators (mixed), spaced-out digits, invisible characters anywhere inside, letters glued on.
 */
export function disguised(number: PersonalNumber, how: Disguise): string {
  let digitIndex = 0;
  const writeDigit = (digit: string) => String.fromCodePoint((how.mixScripts ? how.perDigitScripts[digitIndex++ % 20] : how.script) + Number(digit));
  const groups = number.groups.map((group) => [...group].map(writeDigit).join(how.spacedDigits ? how.spacer : ''));
  const runTogether = how.runTogether && number.mayRunTogether;
  let written = groups
    .map((group, index) => {
      if (index === 0) return group;
      // Run together, spaced-out digits stay spaced across the groups' seam.
      let separator = runTogether ? (how.spacedDigits ? how.spacer : '') : how.separators[(index - 1) % how.separators.length];
      // Spaced-out digits need a separator that is not just whitespace to keep groups apart.
      if (how.spacedDigits && !runTogether && /^\s+$/u.test(separator)) separator = ` ${'-'} `;
      return separator + group;
    })
    .join('');
  const characters = [...written];
  // Known limit: invisible characters both inside groups and between them are read only as all
  // removed or all separators, so the generator does not combine the two.
  const invisibleSeparator = !runTogether && how.separators.slice(0, groups.length - 1).some((separator) => INVISIBLES.includes(separator));
  if (!invisibleSeparator) for (const { at, character } of how.invisibles) characters.splice(1 + (at % Math.max(1, characters.length - 1)), 0, character);
  written = characters.join('');
  return `${number.context} ${how.before}${written}${how.after} 확인 부탁드립니다.`;
}

/** The digits its mask leaves: an RRN's birth date and G digit, a phone's prefix and last four, else the last four. */
export function digitsKept(number: PersonalNumber): string {
  const all = number.groups.join('');
  if (number.detector === 'rrn') return all.slice(0, 7);
  if (number.detector === 'phone') return number.groups[0] + all.slice(-4);
  return all.slice(-4);
}

/** The digits its mask hides: an RRN's last six, a phone's exchange, else all but the last four. */
export function digitsHidden(number: PersonalNumber): string {
  const all = number.groups.join('');
  if (number.detector === 'rrn') return all.slice(7);
  if (number.detector === 'phone') return all.slice(number.groups[0].length, -4);
  return all.slice(0, -4);
}

/**
 * Whether the digits left in a masked text show nothing of the number the mask should hide: they
 * are (a subsequence of) the digits its mask keeps — masking more is allowed — and the hidden run
 * is not among them (unless the kept digits happen to spell it).
 */
export function leavesOnlyKeptDigits(left: string, number: PersonalNumber): boolean {
  const kept = digitsKept(number);
  let at = 0;
  for (const digit of left) {
    at = kept.indexOf(digit, at);
    if (at === -1) return false;
    at++;
  }
  const hidden = digitsHidden(number);
  return !left.includes(hidden) || kept.includes(hidden);
}

/** The ASCII digits of a text, whatever script they were written in. */
export function digitsOf(text: string): string {
  let result = '';
  for (const character of text.normalize('NFKC')) {
    if (!/\p{Nd}/u.test(character)) continue;
    let zero = character.codePointAt(0)!;
    while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
    result += String((character.codePointAt(0)! - zero) % 10);
  }
  return result;
}
