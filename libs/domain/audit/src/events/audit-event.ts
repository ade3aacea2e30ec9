import { canonicalJson, isAuditProofError, leafHashOfUtf8, type JsonValue } from '@ai-commons/audit-proofs';

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** Who did it, as authentication established it (never taken from the request body). */
export interface AuditActor {
  subject: string;
  username?: string;
  institutionId?: string | null;
  roles?: string[];
  clientId?: string;
  authMethod?: string;
  sourceAddress?: string | null;
}

/** Fields of a gateway request; null/undefined when the event is not about one. */
export interface AuditRequestFields {
  endpoint?: string | null;
  model?: string | null;
  dataClassification?: string | null;
  promptTokens?: number | null;
  completionTokens?: number | null;
  latencyMs?: number | null;
  httpStatus?: number | null;
  policyDecision?: string | null;
  /** HMAC-SHA256 (hex) of the prompt under the institution's key; the prompt itself is never stored. */
  promptHmac?: string | null;
  /**
   * HMAC-SHA256 (hex) of the response body the caller received (for a stream, every byte of it in
   * order) under the same key; the response itself is never stored.
   */
  responseHmac?: string | null;
}

/** An event as written (by the batch writer; the sink writes the same columns). */
export interface AuditEventInput extends AuditRequestFields {
  id: string;
  tenantId: string | null;
  occurredAt: Date;
  requestId: string | null;
  actor: AuditActor;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

/** An event as stored, with its leaf index once the sequencer has given it one. */
export interface StoredAuditEvent {
  id: string;
  /** UTC, millisecond precision, Date#toISOString form: the timestamp inside the hashed leaf. */
  timestamp: string;
  /** The stored instant at full (microsecond) precision: what page cursors carry. */
  cursorTimestamp: string;
  institutionId: string | null;
  requestId: string | null;
  actor: Record<string, JsonValue>;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: AuditOutcome;
  details: Record<string, JsonValue>;
  endpoint: string | null;
  model: string | null;
  dataClassification: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  latencyMs: number | null;
  httpStatus: number | null;
  policyDecision: string | null;
  promptHmac: string | null;
  responseHmac: string | null;
  leafIndex: number | null;
}

/** Version of the leaf document below; part of every leaf, so a future layout cannot be confused with it. */
export const LEAF_DOCUMENT_VERSION = 1;

const ISO_MILLIS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const ISO_MICROS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * Select list for StoredAuditEvent rows of `audit_events e`. Timestamps are formatted by
 * PostgreSQL itself, so the leaf's timestamp is a pure function of the stored row.
 */
export const EVENT_COLUMNS = `e.id, to_char(e.occurred_at at time zone 'UTC', ${ISO_MILLIS}) as ts,
  to_char(e.occurred_at at time zone 'UTC', ${ISO_MICROS}) as cursor_ts, e.tenant_id, e.request_id, e.actor,
  e.action, e.resource_type, e.resource_id, e.outcome, e.details, e.endpoint, e.model, e.data_classification,
  e.prompt_tokens, e.completion_tokens, e.latency_ms, e.http_status, e.policy_decision, e.prompt_hmac, e.response_hmac`;

export interface AuditEventRow {
  id: string;
  ts: string;
  cursor_ts: string;
  tenant_id: string | null;
  request_id: string | null;
  actor: Record<string, JsonValue>;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: AuditOutcome;
  details: Record<string, JsonValue>;
  endpoint: string | null;
  model: string | null;
  data_classification: string | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  latency_ms: number | null;
  http_status: number | null;
  policy_decision: string | null;
  prompt_hmac: string | null;
  response_hmac: string | null;
  leaf_index?: string | number | null;
}

export function storedEventFromRow(row: AuditEventRow): StoredAuditEvent {
  return {
    id: row.id,
    timestamp: row.ts,
    cursorTimestamp: row.cursor_ts,
    institutionId: row.tenant_id,
    requestId: row.request_id,
    actor: row.actor,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    details: row.details,
    endpoint: row.endpoint,
    model: row.model,
    dataClassification: row.data_classification,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    latencyMs: row.latency_ms,
    httpStatus: row.http_status,
    policyDecision: row.policy_decision,
    promptHmac: row.prompt_hmac,
    responseHmac: row.response_hmac,
    leafIndex: row.leaf_index === undefined || row.leaf_index === null ? null : Number(row.leaf_index),
  };
}

/**
 * The JSON document a leaf commits to: the event as logged, with its leaf index and timestamp.
 * A pure function of the stored row, so an export reproduces the exact bytes the sequencer hashed;
 * gateway fields appear (under `request`) only when set.
 */
export function leafDocument(event: StoredAuditEvent, leafIndex: number): JsonValue {
  const request: Record<string, JsonValue> = {};
  const optional: [string, string | number | null][] = [
    ['endpoint', event.endpoint],
    ['model', event.model],
    ['dataClassification', event.dataClassification],
    ['promptTokens', event.promptTokens],
    ['completionTokens', event.completionTokens],
    ['latencyMs', event.latencyMs],
    ['httpStatus', event.httpStatus],
    ['policyDecision', event.policyDecision],
    ['promptHmac', event.promptHmac],
    ['responseHmac', event.responseHmac],
  ];
  for (const [key, value] of optional) if (value !== null && value !== undefined) request[key] = value;
  return {
    v: LEAF_DOCUMENT_VERSION,
    id: event.id,
    leafIndex,
    timestamp: event.timestamp,
    institutionId: event.institutionId,
    requestId: event.requestId,
    actor: event.actor,
    action: event.action,
    resource: { type: event.resourceType, id: event.resourceId },
    outcome: event.outcome,
    ...(Object.keys(request).length > 0 ? { request } : {}),
    details: event.details,
  };
}

/**
 * Canonical JSON (RFC 8785) of the leaf document and its RFC 9162 leaf hash. A jsonb value JCS
 * cannot represent (a number beyond IEEE 754 range) must not stop the log: such an actor or details
 * object is logged as its JSON text instead — still a pure function of the row.
 */
export function leafOf(event: StoredAuditEvent, leafIndex: number): { canonical: string; hash: Buffer } {
  let canonical: string;
  try {
    canonical = canonicalLeafDocument(event, leafIndex);
  } catch (error) {
    if (!isAuditProofError(error)) throw error;
    canonical = canonicalJson(leafDocument({ ...event, actor: representable(event.actor), details: representable(event.details) }, leafIndex));
  }
  return { canonical, hash: leafHashOfUtf8(canonical) };
}

/**
 * canonicalJson(leafDocument(event, leafIndex)) written out directly: the document's own keys are
 * fixed, so only actor, details and the request fields go through the generic serializer. The
 * sequencer and every export hash millions of these (a property test keeps the two equal).
 */
export function canonicalLeafDocument(event: StoredAuditEvent, leafIndex: number): string {
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) return canonicalJson(leafDocument(event, leafIndex));
  const request = requestFields(event);
  return (
    `{"action":${text(event.action)},"actor":${canonicalJson(event.actor)},"details":${canonicalJson(event.details)},` +
    `"id":${text(event.id)},"institutionId":${nullableText(event.institutionId)},"leafIndex":${leafIndex},` +
    `"outcome":${text(event.outcome)},${request === null ? '' : `"request":${canonicalJson(request)},`}` +
    `"requestId":${nullableText(event.requestId)},"resource":{"id":${nullableText(event.resourceId)},"type":${text(event.resourceType)}},` +
    `"timestamp":${text(event.timestamp)},"v":${LEAF_DOCUMENT_VERSION}}`
  );
}

const PLAIN_STRING = /^[^\u0000-\u001f"\\\uD800-\uDFFF]*$/;

function text(value: string): string {
  return PLAIN_STRING.test(value) ? `"${value}"` : canonicalJson(value);
}

function nullableText(value: string | null): string {
  return value === null ? 'null' : text(value);
}

function requestFields(event: StoredAuditEvent): Record<string, JsonValue> | null {
  let request: Record<string, JsonValue> | null = null;
  const set = (key: string, value: string | number | null) => {
    if (value !== null && value !== undefined) (request ??= {})[key] = value;
  };
  set('endpoint', event.endpoint);
  set('model', event.model);
  set('dataClassification', event.dataClassification);
  set('promptTokens', event.promptTokens);
  set('completionTokens', event.completionTokens);
  set('latencyMs', event.latencyMs);
  set('httpStatus', event.httpStatus);
  set('policyDecision', event.policyDecision);
  set('promptHmac', event.promptHmac);
  set('responseHmac', event.responseHmac);
  return request;
}

function representable(value: Record<string, JsonValue>): Record<string, JsonValue> {
  try {
    canonicalJson(value);
    return value;
  } catch {
    return { nonCanonicalJson: JSON.stringify(value) };
  }
}
