import { AuditProofError } from '../errors';

// Small validators for untrusted bundle JSON. They throw AuditProofError('MALFORMED_BUNDLE')
// naming the offending field so a verification report can say exactly what is wrong.

export type JsonRecord = Record<string, unknown>;

const HASH_HEX = /^[0-9a-f]{64}$/;
const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function malformed(message: string): AuditProofError {
  return new AuditProofError('MALFORMED_BUNDLE', message);
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformed(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

export function asRecord(value: unknown, what: string, allowedFields: readonly string[]): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} must be a JSON object`);
  const unknownField = Object.keys(value).find((field) => !allowedFields.includes(field));
  if (unknownField !== undefined) throw malformed(`${what} has an unknown field "${unknownField}"`);
  return value as JsonRecord;
}

export function asArray(value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) throw malformed(`${what} must be an array`);
  return value;
}

export function asCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(`${what} must be a non-negative integer`);
  }
  return value;
}

export function asString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw malformed(`${what} must be a string`);
  return value;
}

export function asInstant(value: unknown, what: string): string {
  const text = asString(value, what);
  if (!ISO_UTC_MILLIS.test(text) || Number.isNaN(Date.parse(text)) || new Date(text).toISOString() !== text) {
    throw malformed(`${what} must be a UTC instant like 2025-03-01T09:00:00.000Z`);
  }
  return text;
}

export function asHashHexList(value: unknown, what: string): readonly string[] {
  return asArray(value, what).map((item, i) => {
    if (typeof item !== 'string' || !HASH_HEX.test(item)) throw malformed(`${what}[${i}] must be 64 lowercase hex digits`);
    return item;
  });
}

export function asNullable<T>(value: unknown, parse: (v: unknown) => T): T | null {
  return value === null ? null : parse(value);
}
