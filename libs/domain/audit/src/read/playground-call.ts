import { AUDIT_ACTIONS } from '@ai-commons/core';
import type { Queryable } from '../storage/queryable';

/** What the console's playground shows of one of its calls, from the audit log (what a supervisor sees too). */
export interface PlaygroundCallRecord {
  requestId: string;
  /** The data-handling policy's decision, e.g. `mask:rule@v3 rrn×1` or `allow`. */
  policyDecision: string | null;
  dataClassification: string | null;
  endpoint: string | null;
  /** False until the completion record (with the tokens charged) is written, a moment after the answer. */
  completed: boolean;
  promptTokens: number | null;
  completionTokens: number | null;
  httpStatus: number | null;
  useCaseDecision: string | null;
}

/** Gateway request ids as the gateway accepts them (x-request-id). */
export const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The audit records of one gateway request made with a playground key the caller minted (its name
 * `playground:<caller's subject>:…`, see the catalog's api-key service); nothing else. The caller's
 * tenant scope (RLS) limits it to their institution; the actor index finds the key's events.
 */
export async function playgroundCallRecords(query: Queryable, subject: string, requestId: string): Promise<PlaygroundCallRecord | null> {
  const rows = await query<{
    action: string;
    policy_decision: string | null;
    data_classification: string | null;
    endpoint: string | null;
    prompt_tokens: number | null;
    completion_tokens: number | null;
    http_status: number | null;
    use_case_decision: string | null;
  }>(
    `select e.action, e.policy_decision, e.data_classification, e.endpoint, e.prompt_tokens, e.completion_tokens, e.http_status,
            e.details ->> 'useCaseDecision' as use_case_decision
       from api_keys k
       join audit_events e on e.actor_subject = 'api-key:' || k.id::text and e.occurred_at >= k.created_at
      where k.created_by = $1 and k.name like 'playground:' || $1 || ':%' and k.created_at > now() - interval '1 day'
        and e.request_id = $2
        and e.action = any($3::text[])
      order by e.occurred_at
      limit 4`,
    [subject, requestId, [AUDIT_ACTIONS.gatewayRequestAdmitted, AUDIT_ACTIONS.gatewayRequestCompleted, AUDIT_ACTIONS.gatewayRequestRejected]],
  );
  if (rows.length === 0) return null;
  const admitted = rows.find((row) => row.action !== AUDIT_ACTIONS.gatewayRequestCompleted) ?? null;
  const completed = rows.find((row) => row.action === AUDIT_ACTIONS.gatewayRequestCompleted) ?? null;
  return {
    requestId,
    policyDecision: admitted?.policy_decision ?? null,
    dataClassification: admitted?.data_classification ?? completed?.data_classification ?? null,
    endpoint: admitted?.endpoint ?? completed?.endpoint ?? null,
    completed: completed !== null || admitted?.action === AUDIT_ACTIONS.gatewayRequestRejected,
    promptTokens: completed?.prompt_tokens ?? null,
    completionTokens: completed?.completion_tokens ?? null,
    httpStatus: completed?.http_status ?? admitted?.http_status ?? null,
    useCaseDecision: admitted?.use_case_decision ?? null,
  };
}
