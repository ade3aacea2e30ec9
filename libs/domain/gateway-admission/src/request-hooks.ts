import type { Principal } from '@ai-commons/core';
import type { Hosting, NetworkZone } from '@ai-commons/policy';
import type { GatewayError } from './gateway-error';

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
  hosting: Hosting;
  region: string;
  networkZone: NetworkZone;
  authorityConfirmationExpiresAt: Date | null;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type UsageOutcome = 'success' | 'upstream_error' | 'client_error' | 'rejected' | 'cancelled';

/**
 * The facts of one request at admission. Hooks read them and never change them: what a hook
 * concludes travels in its decision, and what earlier hooks concluded in `AdmissionSoFar`.
 */
export interface AdmissionRequest {
  readonly requestId: string;
  readonly caller: Readonly<AdmissionCaller>;
  readonly endpoint: Readonly<AdmissionEndpoint>;
  readonly operation: 'chat' | 'embeddings' | 'completions' | 'rerank' | 'responses' | 'score';
  /** Prompt estimate + the output tokens the call may produce: what quota admission reserves. */
  readonly estimatedTokens: number;
  /** The request body as the caller sent it (policy checks read the prompt; never stored). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly startedAt: number;
  /** The caller's `x-data-classification` header, if sent (the data-policy hook resolves it). */
  readonly dataClassificationHeader?: string;
  /**
   * What usage recovery needs from the admission record if the gateway dies before writing the
   * call's usage record: the gateway's own id of this call (request ids are the caller's), the
   * gateway instance, the prompt part of `estimatedTokens`, and whether the call streams.
   */
  readonly recovery?: { readonly callId: string; readonly gatewayInstanceId: string; readonly estimatedPromptTokens: number; readonly stream: boolean };
}

/** What the data-handling policy concluded, for the hooks after it (the audit record). */
export interface PolicyLabels {
  /** The classification the request was judged under. */
  readonly dataClassification: string;
  /** The decision's compact form, e.g. `allow`, `mask:pii.mask@v3 rrn×1`. */
  readonly policyDecision: string;
}

/** What the use-case register concluded (the request's use case, and what enforcement decided or would have). */
export interface UseCaseLabels {
  /** The use case the credential is bound to; null: bound to none. */
  readonly id: string | null;
  /** `allow`, or `report-only:<reason>` (served; what enforcement would have done). */
  readonly decision: string;
}

/** What the hooks before this one decided. A new object after every hook; never mutated. */
export interface AdmissionSoFar {
  readonly labels?: PolicyLabels;
  readonly useCase?: UseCaseLabels;
  /** The body the upstream will receive when a hook masked it; absent when it goes as sent. */
  readonly maskedBody?: Readonly<Record<string, unknown>>;
}

export const NOTHING_DECIDED: AdmissionSoFar = Object.freeze({});

/** What a refused request's audit record says beyond its status and code (a policy denial's rule). */
export interface RefusalRecord {
  readonly dataClassification: string | null;
  readonly policyDecision: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export interface Refusal {
  /** The answer the caller gets (OpenAI's error shape). */
  readonly error: GatewayError;
  /** Present when the refusal is a decision worth its own record (the policy's); else status and code say it all. */
  readonly record?: RefusalRecord;
}

/**
 * A hook's decision: let the request through (perhaps owing something afterwards, perhaps with
 * labels for later hooks), let it through with a masked body (the body the upstream receives), or
 * refuse it with the answer and, when it has one, the record of why.
 */
export type AdmissionDecision =
  | { readonly decision: 'allow'; readonly admission?: Admission; readonly labels?: PolicyLabels; readonly useCase?: UseCaseLabels }
  | {
      readonly decision: 'mask';
      readonly body: Readonly<Record<string, unknown>>;
      readonly admission?: Admission;
      readonly labels?: PolicyLabels;
      readonly useCase?: UseCaseLabels;
    }
  | { readonly decision: 'refuse'; readonly refusal: Refusal };

export const ALLOW: AdmissionDecision = Object.freeze({ decision: 'allow' });

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
 * record (around it) plug in. A hook decides; it does not throw to refuse, write shared state or
 * audit a refusal (the gateway records every refusal in one place). The gateway neither calls the
 * upstream nor answers the caller before the decision.
 */
export interface RequestHooks {
  /**
   * A hook that decides from memory answers at once (no promise): every awaited promise is a
   * microtask hop on each model call, and the hooks run on every one.
   */
  decide(request: AdmissionRequest, soFar: AdmissionSoFar): AdmissionDecision | Promise<AdmissionDecision>;
}

export const NO_REQUEST_HOOKS: RequestHooks = {
  decide: async () => ALLOW,
};

/** Thrown by the gateway when admission refused: the refusal and the request it refused, for the one refusal record. */
export class AdmissionRefused extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly request: AdmissionRequest,
  ) {
    super(refusal.error.message);
    this.name = 'AdmissionRefused';
  }
}
