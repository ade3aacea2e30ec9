import { randomUUID, type Hmac } from 'node:crypto';
import { AUDIT_ACTIONS, RequestContext, type Principal } from '@ai-commons/core';
import type { AdmissionDecision, AdmissionRequest, AdmissionSoFar, RefusalRecord, RequestHooks } from '@ai-commons/gateway-admission';
import type { AuditEventInput, AuditOutcome } from '../events/audit-event';
import { actorOf } from '../events/actor';
import type { AuditKeys } from '../keys/audit-keys';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';

/*
 * The gateway's admission seam (RequestHooks, @ai-commons/gateway-admission): `decide` is the hook;
 * `admit` takes the parts of the request the audit record needs (also what the unit tests drive).
 */

export interface GatewayAuditRequest {
  requestId: string;
  caller: {
    tenantId: string;
    principal: Principal;
    apiKey?: { id: string; defaultClassification?: string };
  };
  endpoint: { id: string; name: string; upstreamModel: string };
  operation: string;
  estimatedTokens: number;
  body: Record<string, unknown>;
  startedAt: number;
  /** Set by a data-policy hook earlier in the chain, when there is one. */
  dataClassification?: string;
  policyDecision?: string;
  /** The body the upstream receives, when a hook masked it (`body` stays as the caller sent it). */
  maskedBody?: Readonly<Record<string, unknown>>;
  /** Set by the use-case hook: the request's use case and what enforcement decided (or would have, in report-only mode). */
  useCaseId?: string | null;
  useCaseDecision?: string;
  /** Set by the gateway: what usage recovery reads from the admission record (AdmissionRequest.recovery). */
  recovery?: { callId: string; gatewayInstanceId: string; estimatedPromptTokens: number; stream: boolean };
}

export interface GatewayAuditResult {
  httpStatus: number;
  outcome: string;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
}

export interface GatewayAuditAdmission {
  readyToRespond: Promise<void>;
  /** Feeds the response body, chunk by chunk as the caller gets it, into the completion record's HMAC. */
  observeResponse(chunk: Buffer | string): void;
  complete(result: GatewayAuditResult): void;
}

/** A request the gateway answered with an error before admitting it (or without ever routing it). */
export interface GatewayRefusal {
  status: number;
  code: string;
  method?: string;
  path?: string;
  /** When an admission hook refused with a decision of its own (the data policy's): the request and that decision. */
  atAdmission?: { request: GatewayAuditRequest; record: RefusalRecord };
  /** Extra facts of the refused request (e.g. its use case id), added to the record's details. */
  details?: Record<string, unknown>;
}

const MAX_PATH_LENGTH = 200;

/**
 * Audit records of gateway requests:
 * - `gateway.request.admitted` — written before the caller hears anything: `readyToRespond`
 *   resolves when its group commit is durable (the upstream call runs meanwhile);
 * - `gateway.request.completed` — status, tokens, latency and the HMAC of the response body the
 *   caller received, batched and not awaited (a crash can lose it, never the admission record of
 *   a request that was answered);
 * - `gateway.request.rejected` — authenticated callers' requests refused before admission
 *   (403, 404, 429, …), batched; a refusal with a decision record (the data policy's) names the
 *   endpoint and the rule and is durable before the caller hears it; anonymous refusals leave no
 *   row of their own (see recordRefusal). The gateway reports every refusal here, once.
 * Prompts and responses are never stored: only their HMAC-SHA256 under the institution's content
 * key. `promptHmac` covers the prompt as the caller sent it; when the policy masked it, the
 * admission record's `details.forwardedPromptHmac` covers what the model received.
 */
export class GatewayAuditHooks implements RequestHooks {
  constructor(
    private readonly writer: AuditBatchWriter,
    private readonly keys: AuditKeys,
    /** Turns a failed admission write into the error the gateway answers with. */
    private readonly unavailable: (error: unknown) => Error = (error) => error as Error,
  ) {}

  /** Last in the chain: every request admitted gets its admission record, with the policy's labels. */
  decide(request: AdmissionRequest, soFar: AdmissionSoFar): AdmissionDecision {
    const useCase = soFar.useCase ? { useCaseId: soFar.useCase.id, useCaseDecision: soFar.useCase.decision } : {};
    const admission = this.admit({ ...request, ...soFar.labels, maskedBody: soFar.maskedBody, ...useCase });
    return { decision: 'allow', admission };
  }

  /** Synchronous: the record is queued at once; `readyToRespond` is the only thing to wait for. */
  admit(request: GatewayAuditRequest): GatewayAuditAdmission {
    const context = RequestContext.current();
    const actor = actorOf(request.caller.principal, context?.sourceAddress);
    const common = {
      tenantId: request.caller.tenantId,
      requestId: request.requestId,
      actor,
      resourceType: 'endpoint',
      resourceId: request.endpoint.id,
      endpoint: request.endpoint.name,
      model: request.endpoint.upstreamModel,
      dataClassification: request.dataClassification ?? request.caller.apiKey?.defaultClassification ?? null,
    };
    const admission: AuditEventInput = {
      ...common,
      id: randomUUID(),
      occurredAt: new Date(),
      action: AUDIT_ACTIONS.gatewayRequestAdmitted,
      outcome: 'success',
      policyDecision: request.policyDecision ?? 'allow',
      promptHmac: this.promptHmac(request.caller.tenantId, request.body),
      details: {
        operation: request.operation,
        estimatedTokens: request.estimatedTokens,
        ...(request.maskedBody ? { forwardedPromptHmac: this.promptHmac(request.caller.tenantId, request.maskedBody) } : {}),
        // The use case goes in details (new events only): the audit leaf format of earlier events is unchanged.
        ...useCaseDetails(request),
        ...recoveryDetails(request),
      },
    };
    const readyToRespond = this.writer.appendDurable(admission).catch((error: unknown) => {
      throw this.unavailable(error);
    });
    // Incremental: a stream is hashed as it passes, never held in memory.
    let response: Hmac | undefined;
    return {
      readyToRespond,
      observeResponse: (chunk) => {
        (response ??= this.keys.contentHmacStream(request.caller.tenantId)).update(chunk);
      },
      complete: (result) =>
        this.writer.append({
          ...common,
          id: randomUUID(),
          occurredAt: new Date(),
          action: AUDIT_ACTIONS.gatewayRequestCompleted,
          outcome: completionOutcome(result.outcome),
          httpStatus: result.httpStatus,
          promptTokens: result.usage.promptTokens,
          completionTokens: result.usage.completionTokens,
          latencyMs: Math.round(result.latencyMs),
          responseHmac: response?.digest('hex') ?? null,
          details: {
            operation: request.operation,
            result: result.outcome,
            ...useCaseDetails(request),
            ...(request.recovery ? { callId: request.recovery.callId } : {}),
          },
        }),
    };
  }

  /**
   * Records a request of an authenticated caller refused before admission (an admitted request's
   * completion record says how it ended; the gateway reports only refusals). A refusal with a
   * decision record is written durably, before the caller is answered (an audit outage still
   * refuses). Requests refused before authentication leave no row of their own: authentication
   * failures and braked sources are counted in the windowed `authentication.failure` aggregate
   * (AuthenticationFailures), unknown paths and wrong methods are only logged — an anonymous caller
   * must not be able to grow the log without bound.
   */
  async recordRefusal(refusal: GatewayRefusal): Promise<void> {
    const context = RequestContext.current();
    if (refusal.atAdmission) return this.recordDecidedRefusal(refusal.status, refusal.atAdmission.request, refusal.atAdmission.record, refusal.details);
    const principal = context?.principal;
    if (!principal) return;
    this.writer.append({
      id: randomUUID(),
      occurredAt: new Date(),
      tenantId: principal.institutionId ?? null,
      requestId: context?.requestId ?? null,
      actor: actorOf(principal, context?.sourceAddress),
      action: AUDIT_ACTIONS.gatewayRequestRejected,
      resourceType: 'gateway',
      resourceId: refusal.path?.slice(0, MAX_PATH_LENGTH) ?? null,
      outcome: refusal.status === 401 || refusal.status === 403 || refusal.status === 429 ? 'denied' : 'failure',
      httpStatus: refusal.status,
      policyDecision: refusal.status === 403 || refusal.status === 429 ? `deny:${refusal.code}` : null,
      details: { code: refusal.code, method: refusal.method ?? null, ...refusal.details },
    });
  }

  private async recordDecidedRefusal(
    status: number,
    request: GatewayAuditRequest,
    record: RefusalRecord,
    refusalDetails: Record<string, unknown> = {},
  ): Promise<void> {
    const event: AuditEventInput = {
      id: randomUUID(),
      occurredAt: new Date(),
      tenantId: request.caller.tenantId,
      requestId: request.requestId,
      actor: actorOf(request.caller.principal, RequestContext.current()?.sourceAddress),
      action: 'gateway.request.rejected',
      resourceType: 'endpoint',
      resourceId: request.endpoint.id,
      outcome: 'denied',
      endpoint: request.endpoint.name,
      model: request.endpoint.upstreamModel,
      dataClassification: record.dataClassification,
      httpStatus: status,
      policyDecision: record.policyDecision,
      details: { operation: request.operation, ...record.details, ...refusalDetails },
    };
    await this.writer.appendDurable(event).catch(() => undefined);
  }

  /** HMAC of a prompt (chat messages or embeddings input) as JSON text; the prompt is not kept. */
  private promptHmac(tenantId: string, body: Readonly<Record<string, unknown>>): string {
    const content = body['messages'] ?? body['input'] ?? null;
    return this.keys.contentHmac(tenantId, JSON.stringify(content) ?? 'null');
  }
}

function completionOutcome(outcome: string): AuditOutcome {
  if (outcome === 'success') return 'success';
  if (outcome === 'rejected') return 'denied';
  return 'failure';
}

/** What usage recovery reads if the gateway dies before the call's usage record is written (new events only). */
function recoveryDetails(request: GatewayAuditRequest): Record<string, unknown> {
  if (!request.recovery) return {};
  const { callId, gatewayInstanceId, estimatedPromptTokens, stream } = request.recovery;
  return { callId, gatewayInstanceId, estimatedPromptTokens, stream, apiKeyId: request.caller.apiKey?.id ?? null };
}

function useCaseDetails(request: GatewayAuditRequest): Record<string, unknown> {
  if (request.useCaseDecision === undefined) return {};
  return { useCaseId: request.useCaseId ?? null, useCaseDecision: request.useCaseDecision };
}
