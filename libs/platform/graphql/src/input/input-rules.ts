/**
 * The rules every argument of the control-plane API obeys, as pure functions. Each returns the
 * `reason` of the problem (the GraphQL `extensions.reason`) or undefined when the value is fine.
 * All of them are linear in the input and bounded by the length limits below.
 */

/** Default bound of a text argument (UTF-16 code units); a field may declare a larger one. */
export const DEFAULT_MAX_TEXT_LENGTH = 4_096;

/**
 * Control characters other than tab, line feed and carriage return (C0, DEL, C1). U+0000 cannot be
 * stored in PostgreSQL text at all; the others have no business in names, reasons or documents.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A UTF-16 surrogate without its other half: not a Unicode character, not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type TextProblem = 'TEXT_TOO_LONG' | 'INVALID_TEXT';

export function textProblem(value: string, maxLength = DEFAULT_MAX_TEXT_LENGTH): TextProblem | undefined {
  if (value.length > maxLength) return 'TEXT_TOO_LONG';
  if (CONTROL_CHARACTER.test(value) || LONE_SURROGATE.test(value)) return 'INVALID_TEXT';
  return undefined;
}

/**
 * ISO 8601 / RFC 3339 date or date-time: `2026-01-31`, `2026-01-31T09:00:00Z`,
 * `2026-01-31T09:00:00.123456+09:00` (fractions up to nanoseconds, kept to milliseconds).
 * Extended years (`+275760-…`) parse, to be reported as out of range rather than malformed.
 */
const ISO_DATE_TIME = /^([+-]\d{6}|\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2}))?)?$/i;

/**
 * The accepted instants: years 1 to 9999, inside both JavaScript's and PostgreSQL's timestamptz
 * range (4713 BC to 294276 AD) and written with four-digit years everywhere.
 */
export const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
export const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

export type DateProblem = 'INVALID_DATE' | 'DATE_OUT_OF_RANGE';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number) => (month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]);

/** Parses an ISO 8601 date-time strictly (no roll-over of 30 February, no free-form text). */
export function parseDateTime(text: string): Date | DateProblem {
  if (text.length > 40) return 'INVALID_DATE';
  const match = ISO_DATE_TIME.exec(text);
  if (!match) return 'INVALID_DATE';
  const [, yearText, month, day, hour = '0', minute = '0', second = '0', , offsetHour = '0', offsetMinute = '0'] = match;
  const year = Number(yearText);
  if (+month < 1 || +month > 12 || +day < 1 || +day > daysInMonth(year, +month)) return 'INVALID_DATE';
  if (+hour > 23 || +minute > 59 || +second > 59 || +offsetHour > 23 || +offsetMinute > 59) return 'INVALID_DATE';
  if (yearText === '-000000') return 'INVALID_DATE'; // ISO 8601 forbids minus zero
  const date = new Date(text.replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return year < 1 || year > 9999 ? 'DATE_OUT_OF_RANGE' : 'INVALID_DATE';
  return dateProblem(date) ?? date;
}

export function dateProblem(date: Date): DateProblem | undefined {
  const time = date.getTime();
  if (Number.isNaN(time)) return 'INVALID_DATE';
  if (time < MIN_DATE.getTime() || time > MAX_DATE.getTime()) return 'DATE_OUT_OF_RANGE';
  return undefined;
}

/** Floats are counts, sizes and amounts: whole-number precision must hold (±2^53 − 1). */
export function numberProblem(value: number): 'NUMBER_OUT_OF_RANGE' | undefined {
  return Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? undefined : 'NUMBER_OUT_OF_RANGE';
}

/** Bound of any list argument. */
export const MAX_LIST_ITEMS = 1_000;

/** Nesting bound of a JSON document given as text (policies, settings, samples). */
export const MAX_JSON_DEPTH = 32;

export type JsonProblem = 'INVALID_JSON' | 'JSON_TOO_DEEP' | TextProblem;

/**
 * Parses JSON text given as an argument. Besides syntax, refuses nesting deeper than
 * MAX_JSON_DEPTH and any string or key that breaks the text rules (`"\u0000"` is valid JSON but
 * cannot be stored in a PostgreSQL jsonb).
 */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; problem: JsonProblem } {
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) return { ok: false, problem: 'JSON_TOO_DEEP' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'INVALID_JSON' };
  }
  const problem = jsonStringsProblem(value);
  return problem ? { ok: false, problem } : { ok: true, value };
}

/** One pass over the text counting brackets outside strings: bounds the parse before it runs. */
function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

function jsonStringsProblem(value: unknown): TextProblem | undefined {
  if (typeof value === 'string') return textProblem(value, Number.MAX_SAFE_INTEGER);
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = jsonStringsProblem(item);
      if (problem) return problem;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key, Number.MAX_SAFE_INTEGER) ?? jsonStringsProblem(item);
      if (problem) return problem;
    }
  }
  return undefined;
}
