import { AuditProofError } from '../errors';

/** A value that has an RFC 8785 canonical form. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

// In a /u regex a surrogate pair is one code point, so this only matches unpaired surrogates,
// which I-JSON (RFC 7493 §2.1), and so JCS, forbids.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
// Without /u this matches any surrogate half, paired or not, plus everything JSON must escape.
const NEEDS_ESCAPE_OR_SURROGATE = /[\u0000-\u001f"\\\uD800-\uDFFF]/;

// Far beyond any audit event; stops hostile input from overflowing the stack.
const MAX_DEPTH = 1000;

/** Carries the JSON-pointer segments of the offending value up through the recursion. */
class Rejection {
  readonly segments: string[] = [];
  constructor(readonly reason: string) {}
}

/**
 * RFC 8785 (JCS) serialization: object members sorted by UTF-16 code units, ECMAScript number
 * formatting, JSON.stringify string escaping, no whitespace.
 *
 * Only plain JSON data is accepted. undefined, functions, symbols, bigints, NaN/±Infinity, lone
 * surrogates, sparse arrays, cycles, nesting deeper than 1000 and class instances (Date, Map, Buffer, …) throw
 * AuditProofError('NON_CANONICALIZABLE_VALUE') naming the JSON pointer of the value, instead of
 * being dropped or coerced the way JSON.stringify would — a silently different event would
 * hash to a different leaf.
 */
export function canonicalJson(value: unknown): string {
  try {
    return serialize(value, new Set());
  } catch (error) {
    if (error instanceof Rejection) {
      const pointer = error.segments.reverse().map(escapePointerSegment).join('/');
      throw new AuditProofError('NON_CANONICALIZABLE_VALUE', `cannot canonicalize /${pointer}: ${error.reason}`);
    }
    throw error;
  }
}

/** UTF-8 bytes of canonicalJson(value): what is hashed into a leaf or signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}

function serialize(value: unknown, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Rejection(`${value} is not a finite number`);
      // ECMAScript Number::toString is exactly the JCS number format (RFC 8785 §3.2.2.3); -0 prints as 0.
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serializeContainer(value, ancestors);
    default:
      throw new Rejection(`${typeof value} is not a JSON value`);
  }
}

function serializeString(text: string): string {
  // Most audit strings need no escaping and hold no surrogates: quote them directly.
  if (!NEEDS_ESCAPE_OR_SURROGATE.test(text)) return `"${text}"`;
  if (LONE_SURROGATE.test(text)) throw new Rejection('string contains an unpaired UTF-16 surrogate');
  // JSON.stringify's escaping (ES2019 well-formed) is the one RFC 8785 §3.2.2.2 prescribes.
  return JSON.stringify(text);
}

function serializeContainer(container: object, ancestors: Set<object>): string {
  if (ancestors.has(container)) throw new Rejection('cyclic reference');
  if (ancestors.size >= MAX_DEPTH) throw new Rejection(`nested deeper than ${MAX_DEPTH} levels`);
  ancestors.add(container);
  try {
    if (Array.isArray(container)) return serializeArray(container, ancestors);
    const prototype: unknown = Object.getPrototypeOf(container);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (container as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new Rejection(`${name} instance is not plain JSON data (convert it first, e.g. a Date to an ISO string)`);
    }
    return serializeObject(container as Record<string, unknown>, ancestors);
  } finally {
    ancestors.delete(container);
  }
}

function serializeArray(items: readonly unknown[], ancestors: Set<object>): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    try {
      if (!(i in items)) throw new Rejection('sparse array hole');
      out += serialize(items[i], ancestors);
    } catch (error) {
      if (error instanceof Rejection) error.segments.push(String(i));
      throw error;
    }
  }
  return `${out}]`;
}

function serializeObject(record: Record<string, unknown>, ancestors: Set<object>): string {
  if (Object.getOwnPropertySymbols(record).length > 0) throw new Rejection('object has symbol keys');
  // Default sort compares UTF-16 code units, the order RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    try {
      out += `${serializeString(key)}:${serialize(record[key], ancestors)}`;
    } catch (error) {
      if (error instanceof Rejection) error.segments.push(key);
      throw error;
    }
  }
  return `${out}}`;
}

function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
