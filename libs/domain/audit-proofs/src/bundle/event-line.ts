import { canonicalJson, JsonValue } from '../canonical/canonical-json';
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
