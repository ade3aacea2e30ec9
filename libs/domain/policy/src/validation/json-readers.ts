// Readers for untrusted JSON: each checks one value, records what is wrong with a specific code
// and returns the typed value, or undefined when it is unusable.
import { pointer, type ValidationIssues } from './validation-error';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An object with exactly the known fields: unknown ones are errors, since a typo would silently drop a condition. */
export function readObject(
  value: unknown,
  path: string,
  issues: ValidationIssues,
  fields: { readonly required: readonly string[]; readonly optional?: readonly string[] },
): JsonObject | undefined {
  if (!isJsonObject(value)) {
    issues.add('NOT_AN_OBJECT', path, 'expected an object');
    return undefined;
  }
  const known = new Set([...fields.required, ...(fields.optional ?? [])]);
  for (const key of Object.keys(value)) {
    if (!known.has(key)) issues.add('UNKNOWN_FIELD', pointer(path, key), `unknown field '${key}'`);
  }
  for (const key of fields.required) {
    if (value[key] === undefined) issues.add('MISSING_FIELD', pointer(path, key), `'${key}' is required`);
  }
  return value;
}

export function readEnum<T extends string>(value: unknown, path: string, allowed: readonly T[], issues: ValidationIssues): T | undefined {
  if (typeof value !== 'string') {
    issues.add('WRONG_TYPE', path, 'expected a string');
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    issues.add('INVALID_ENUM_VALUE', path, `'${value}' is not one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value as T;
}

/** A non-empty list of distinct values: an empty list could never match, so it is always a mistake. */
export function readEnumList<T extends string>(value: unknown, path: string, allowed: readonly T[], issues: ValidationIssues): T[] | undefined {
  if (!Array.isArray(value)) {
    issues.add('WRONG_TYPE', path, 'expected an array');
    return undefined;
  }
  if (value.length === 0) {
    issues.add('EMPTY_LIST', path, 'an empty list matches nothing; leave the field out to match anything');
    return undefined;
  }
  const before = issues.count;
  const seen = new Set<string>();
  const values: T[] = [];
  value.forEach((element: unknown, index) => {
    const item = readEnum(element, pointer(path, index), allowed, issues);
    if (item === undefined) return;
    if (seen.has(item)) issues.add('DUPLICATE_VALUE', pointer(path, index), `'${item}' is listed twice`);
    seen.add(item);
    values.push(item);
  });
  return issues.count === before ? values : undefined;
}

export function readBoolean(value: unknown, path: string, issues: ValidationIssues): boolean | undefined {
  if (typeof value === 'boolean') return value;
  issues.add('WRONG_TYPE', path, 'expected a boolean');
  return undefined;
}

export function readText(value: unknown, path: string, issues: ValidationIssues, maxLength: number): string | undefined {
  if (typeof value !== 'string') {
    issues.add('WRONG_TYPE', path, 'expected a string');
    return undefined;
  }
  if (value.trim() === '') {
    issues.add('EMPTY_TEXT', path, 'must not be blank');
    return undefined;
  }
  if (value.length > maxLength) {
    issues.add('TEXT_TOO_LONG', path, `at most ${maxLength} characters`);
    return undefined;
  }
  return value;
}
