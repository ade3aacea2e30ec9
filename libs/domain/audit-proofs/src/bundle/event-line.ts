import { isUtf8 } from 'node:buffer';
import { canonicalJson, JsonValue } from '../canonical/canonical-json';
import { NOT_CANONICAL, scanCanonicalValue } from '../canonical/canonical-json-scanner';
import { AuditProofError } from '../errors';
import { malformed } from './json-shape';

/** One exported event and its global position in the log. */
export interface BundleEvent {
  readonly leafIndex: number;
  /** The audit event exactly as logged; its leaf hash is SHA-256(0x00 ‖ canonicalBytes(event)). */
  readonly event: JsonValue;
}

export interface DecodedEventLine extends BundleEvent {
  /** canonicalJson(event): the leaf's bytes, as UTF-8. */
  readonly canonicalEvent: string;
  /** Whether the line itself is the canonical encoding (no reordered keys, spaces or extra fields). */
  readonly isCanonical: boolean;
}

/** An events.jsonl line: canonicalJson({ event, leafIndex }). */
export function encodeEventLine(entry: BundleEvent): string {
  return `{"event":${canonicalJson(entry.event)},"leafIndex":${entry.leafIndex}}`;
}

/** Throws AuditProofError('MALFORMED_BUNDLE') for lines that are not a { event, leafIndex } object. */
export function decodeEventLine(line: string): DecodedEventLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw malformed('event line is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed('event line must be a JSON object');
  const record = parsed as Record<string, unknown>;
  const leafIndex = record['leafIndex'];
  if (typeof leafIndex !== 'number' || !Number.isSafeInteger(leafIndex) || leafIndex < 0) {
    throw malformed('event line needs a non-negative integer leafIndex');
  }
  if (!('event' in record) || Object.keys(record).length !== 2) throw malformed('event line must have exactly "event" and "leafIndex"');
  let canonicalEvent: string;
  try {
    canonicalEvent = canonicalJson(record['event']);
  } catch (error) {
    if (error instanceof AuditProofError) throw malformed(error.message);
    throw error;
  }
  const isCanonical = line === `{"event":${canonicalEvent},"leafIndex":${leafIndex}}`;
  return { leafIndex, event: record['event'] as JsonValue, canonicalEvent, isCanonical };
}

/** Where the event sits inside a canonical events.jsonl line. */
export interface CanonicalEventLine {
  readonly leafIndex: number;
  /** Byte range of the event's canonical JSON within the line: the leaf's bytes. */
  readonly eventStart: number;
  readonly eventEnd: number;
}

const EVENT_PREFIX = Buffer.from('{"event":');
const LEAF_INDEX_MEMBER = Buffer.from(',"leafIndex":');
const MAX_SAFE_INTEGER_DIGITS = 16;

/**
 * Fast path over a line's UTF-8 bytes: when the line is exactly encodeEventLine(…) — canonical
 * and well-formed — returns the event's byte range and the leaf index, otherwise null (then
 * decodeEventLine tells malformed from merely non-canonical). No JSON values are built.
 */
export function scanCanonicalEventLine(line: Uint8Array): CanonicalEventLine | null {
  if (line.length < EVENT_PREFIX.length + LEAF_INDEX_MEMBER.length + 3) return null;
  for (let i = 0; i < EVENT_PREFIX.length; i++) if (line[i] !== EVENT_PREFIX[i]) return null;
  if (!isUtf8(line)) return null;
  const eventStart = EVENT_PREFIX.length;
  const eventEnd = scanCanonicalValue(line, eventStart, line.length);
  if (eventEnd === NOT_CANONICAL) return null;
  for (let i = 0; i < LEAF_INDEX_MEMBER.length; i++) if (line[eventEnd + i] !== LEAF_INDEX_MEMBER[i]) return null;
  const digitsStart = eventEnd + LEAF_INDEX_MEMBER.length;
  const digitsEnd = line.length - 1;
  if (line[digitsEnd] !== 0x7d) return null;
  const digitCount = digitsEnd - digitsStart;
  if (digitCount < 1 || digitCount > MAX_SAFE_INTEGER_DIGITS || (line[digitsStart] === 0x30 && digitCount > 1)) return null;
  let leafIndex = 0;
  for (let i = digitsStart; i < digitsEnd; i++) {
    const digit = line[i]! - 0x30;
    if (digit < 0 || digit > 9) return null;
    leafIndex = leafIndex * 10 + digit;
  }
  return Number.isSafeInteger(leafIndex) ? { leafIndex, eventStart, eventEnd } : null;
}
