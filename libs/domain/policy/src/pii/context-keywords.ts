// Some number formats are only PII in context: an unseparated card-length number, an account
// number (whose dashed shapes also fit order and document numbers). Those need a keyword nearby.

const CHARACTERS_BEFORE = 24;
const CHARACTERS_AFTER = 16;

/** Whether `pattern` (no g/y flag, so it keeps no state) occurs just before or after text[start, end). */
export function hasKeywordNear(text: string, start: number, end: number, pattern: RegExp): boolean {
  if (pattern.test(text.slice(Math.max(0, start - CHARACTERS_BEFORE), start))) return true;
  return pattern.test(text.slice(end, end + CHARACTERS_AFTER));
}
