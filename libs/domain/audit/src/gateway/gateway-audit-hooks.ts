import { randomUUID, type Hmac } from 'node:crypto';
import { RequestContext, type Principal } from '@ai-commons/core';
import type { AuditEventInput, AuditOutcome } from '../events/audit-event';
import { actorOf } from '../events/actor';
import type { AuditKeys } from '../keys/audit-keys';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';

/*
 * The gateway's admission seam (RequestHooks in libs/shell/gateway-server) is implemented here
 * structurally: these interfaces are the parts of its AdmissionRequest / CallResult the audit
 * record needs, so this domain library does not depend on the gateway shell.
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
  /** Set by the use-case hook: the request's use case and what enforcement decided (or would have, in report-only mode). */
  useCaseId?: string | null;
  useCaseDecision?: string;
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
 *   (403, 404, 429, …), batched; anonymous refusals leave no row of their own (see recordRefusal).
 * Prompts and responses are never stored: only their HMAC-SHA256 under the institution's content key.
 */
export class GatewayAuditHooks {
  /** Request contexts that reached admission: their errors are in the completion record. */
  private readonly admitted = new WeakSet<object>();

  constructor(
    private readonly writer: AuditBatchWriter,
    private readonly keys: AuditKeys,
    /** Turns a failed admission write into the error the gateway answers with. */
    private readonly unavailable: (error: unknown) => Error = (error) => error as Error,
  ) {}

  async admit(request: GatewayAuditRequest): Promise<GatewayAuditAdmission> {
    const context = RequestContext.current();
    if (context) this.admitted.add(context);
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
      action: 'gateway.request.admitted',
      outcome: 'success',
      policyDecision: request.policyDecision ?? 'allow',
      promptHmac: this.promptHmac(request),
      // The use case goes in details (new events only): the audit leaf format of earlier events is unchanged.
      details: { operation: request.operation, estimatedTokens: request.estimatedTokens, ...useCaseDetails(request) },
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
          action: 'gateway.request.completed',
          outcome: completionOutcome(result.outcome),
          httpStatus: result.httpStatus,
          promptTokens: result.usage.promptTokens,
          completionTokens: result.usage.completionTokens,
          latencyMs: Math.round(result.latencyMs),
          responseHmac: response?.digest('hex') ?? null,
          details: { operation: request.operation, result: result.outcome, ...useCaseDetails(request) },
        }),
    };
  }

  /**
   * Records a refused request of an authenticated caller, unless it was admitted (then its
   * completion record says how it ended). Requests refused before authentication leave no row of
   * their own: authentication failures and braked sources are counted in the windowed
   * `authentication.failure` aggregate (AuthenticationFailures), unknown paths and wrong methods
   * are only logged — an anonymous caller must not be able to grow the log without bound.
   */
  recordRefusal(refusal: GatewayRefusal): void {
    const context = RequestContext.current();
    if (context && this.admitted.has(context)) return;
    const principal = context?.principal;
    if (!principal) return;
    this.writer.append({
      id: randomUUID(),
      occurredAt: new Date(),
      tenantId: principal.institutionId ?? null,
      requestId: context?.requestId ?? null,
      actor: actorOf(principal, context?.sourceAddress),
      action: 'gateway.request.rejected',
      resourceType: 'gateway',
      resourceId: refusal.path?.slice(0, MAX_PATH_LENGTH) ?? null,
      outcome: refusal.status === 401 || refusal.status === 403 || refusal.status === 429 ? 'denied' : 'failure',
      httpStatus: refusal.status,
      policyDecision: refusal.status === 403 || refusal.status === 429 ? `deny:${refusal.code}` : null,
      details: { code: refusal.code, method: refusal.method ?? null, ...refusal.details },
    });
  }

  /** HMAC of the prompt (chat messages or embeddings input) as JSON text; the prompt is not kept. */
  private promptHmac(request: GatewayAuditRequest): string {
    const content = request.body['messages'] ?? request.body['input'] ?? null;
    return this.keys.contentHmac(request.caller.tenantId, JSON.stringify(content) ?? 'null');
  }
}

function completionOutcome(outcome: string): AuditOutcome {
  if (outcome === 'success') return 'success';
  if (outcome === 'rejected') return 'denied';
  return 'failure';
}

function useCaseDetails(request: GatewayAuditRequest): Record<string, unknown> {
  if (request.useCaseDecision === undefined) return {};
  return { useCaseId: request.useCaseId ?? null, useCaseDecision: request.useCaseDecision };
}
