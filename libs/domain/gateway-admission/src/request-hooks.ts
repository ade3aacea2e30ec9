import type { Principal } from '@ai-commons/core';

/** Who calls: the institution, the principal, the API key when one was used. */
export interface AdmissionCaller {
  tenantId: string;
  principal: Principal;
  apiKey?: { id: string; defaultClassification: string; endpointIds: readonly string[] | null };
}

/** The endpoint a call is routed to, as far as admission needs it (the gateway's RouteEndpoint has more). */
export interface AdmissionEndpoint {
  tenantId: string;
  id: string;
  name: string;
  upstreamModel: string;
  hosting: string;
  region: string;
  networkZone: string;
  authorityConfirmationExpiresAt: Date | null;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type UsageOutcome = 'success' | 'upstream_error' | 'client_error' | 'rejected' | 'cancelled';

export interface AdmissionRequest {
  requestId: string;
  caller: AdmissionCaller;
  endpoint: AdmissionEndpoint;
  operation: 'chat' | 'embeddings';
  /** Prompt estimate + the output tokens the call may produce: what quota admission reserves. */
  estimatedTokens: number;
  /** The request body as parsed (policy checks read the prompt; never stored). */
  body: Record<string, unknown>;
  startedAt: number;
  /** The caller's `x-data-classification` header, if sent (the data-policy hook resolves it). */
  dataClassificationHeader?: string;
}

export interface CallResult {
  httpStatus: number;
  outcome: UsageOutcome;
  usage: TokenUsage;
  latencyMs: number;
}

/** What a granted admission owes afterwards: reconcile the reservation, write the completion record. */
export interface Admission {
  /**
   * Resolves when whatever must be durable before the caller hears back (the audit admission
   * record, group-committed) is durable. The upstream call runs meanwhile; the response waits.
   */
  readyToRespond?: Promise<void>;
  /**
   * Sees every chunk of the response body as it goes to the caller (the audit record keeps an HMAC
   * of it, never the content). Must be cheap: it runs on the request path.
   */
  observeResponse?(chunk: Buffer | string): void;
  complete(result: CallResult): void;
}

/**
 * The seam where data-handling policy, quota admission (before the upstream call) and the audit
 * record (around it) plug in. `admit` may refuse with a GatewayError (403 policy, 429 quota); the
 * gateway does not call the upstream, nor answer the caller, before it resolves.
 */
export interface RequestHooks {
  admit(request: AdmissionRequest): Promise<Admission>;
}

export const NO_REQUEST_HOOKS: RequestHooks = {
  admit: async () => ({ complete: () => undefined }),
};

/**
 * Runs hooks in order (e.g. data policy, then quota, then audit). If a later hook refuses, the
 * earlier admissions are completed as `rejected` so reservations are released.
 */
export function composeHooks(...hooks: RequestHooks[]): RequestHooks {
  return {
    async admit(request) {
      const granted: Admission[] = [];
      try {
        for (const hook of hooks) granted.push(await hook.admit(request));
      } catch (error) {
        const latencyMs = performance.now() - request.startedAt;
        const status = (error as { status?: number }).status ?? 500;
        for (const admission of granted) admission.complete({ httpStatus: status, outcome: 'rejected', usage: { promptTokens: 0, completionTokens: 0 }, latencyMs });
        throw error;
      }
      const waits = granted.map((admission) => admission.readyToRespond).filter((wait): wait is Promise<void> => wait !== undefined);
      const observers = granted.filter((admission) => admission.observeResponse);
      return {
        readyToRespond: waits.length === 1 ? waits[0] : waits.length ? Promise.all(waits).then(() => undefined) : undefined,
        observeResponse: observers.length ? (chunk) => observers.forEach((admission) => admission.observeResponse!(chunk)) : undefined,
        complete: (result) => granted.forEach((admission) => admission.complete(result)),
      };
    },
  };
}
