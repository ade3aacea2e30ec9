import type { OfferingRecord } from '../offerings/offering.model';
import type { EndpointTargetRecord, LoadBalancing } from '../targets/target.model';

export const ISOLATION_MODES = ['dedicated', 'shared-pool'] as const;
export type IsolationMode = (typeof ISOLATION_MODES)[number];

// The model simulator speaks the OpenAI-compatible protocol: it is an `openai-compatible` endpoint.
export const UPSTREAM_DRIVERS = ['openai-compatible', 'azure-openai'] as const;
export type UpstreamDriver = (typeof UPSTREAM_DRIVERS)[number];

export const ENDPOINT_STATES = ['provisioning', 'active', 'draining', 'retired'] as const;
export type EndpointState = (typeof ENDPOINT_STATES)[number];

export const ENDPOINT_HEALTH = ['unknown', 'healthy', 'unhealthy'] as const;
export type EndpointHealth = (typeof ENDPOINT_HEALTH)[number];

/** What the gateway enforces per request on an endpoint. */
export interface EndpointLimits {
  maxRequestBytes: number;
  maxOutputTokens: number;
  /** `max_tokens` applied when a request sends none; never above `maxOutputTokens`. */
  defaultMaxTokens: number;
  connectTimeoutMs: number;
  firstByteTimeoutMs: number;
  requestTimeoutMs: number;
  /** The largest `n` (completions per request); each choice is a full generation on shared GPUs. */
  maxChoices: number;
  /** What one image (or audio, file part) costs in the admission estimate, in tokens. */
  imageInputTokens: number;
}

/** The schema's column defaults. */
export const DEFAULT_ENDPOINT_LIMITS: Readonly<EndpointLimits> = Object.freeze({
  maxRequestBytes: 1_048_576,
  maxOutputTokens: 4_096,
  defaultMaxTokens: 1_024,
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  maxChoices: 1,
  imageInputTokens: 765,
});

export interface EndpointRecord {
  id: string;
  institutionId: string;
  institutionSlug: string | null;
  /** The `model` string callers send; unique within the institution. */
  name: string;
  offeringId: string;
  offering: OfferingRecord;
  isolationMode: IsolationMode;
  driver: UpstreamDriver;
  /** The first active target's URL (kept for older clients; `targets` lists them all). */
  upstreamUrl: string | null;
  /** The upstream replicas, oldest first. */
  targets: EndpointTargetRecord[];
  loadBalancing: LoadBalancing;
  upstreamModel: string;
  azureDeployment: string | null;
  azureApiVersion: string | null;
  state: EndpointState;
  health: EndpointHealth;
  healthCheckedAt: Date | null;
  healthDetail: string | null;
  limits: EndpointLimits;
  /** Request fields forwarded beyond the driver's allow-list (the gateway refuses any other). */
  allowedExtraFields: string[];
  /** Write-only credential: only whether there is one, and when it was last set. */
  hasCredential: boolean;
  credentialRotatedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface EndpointStateChangeRecord {
  id: string;
  endpointId: string;
  fromState: EndpointState | null;
  toState: EndpointState;
  reason: string;
  actorSubject: string;
  changedAt: Date;
}

export interface CreateEndpointCommand {
  institutionId: string;
  name: string;
  offeringId: string;
  isolationMode: IsolationMode;
  driver: UpstreamDriver;
  /** The first target (replica); more are added with the target service. */
  upstreamUrl: string;
  upstreamModel: string;
  azureDeployment?: string | null;
  azureApiVersion?: string | null;
  limits?: Partial<Record<keyof EndpointLimits, number | null>> | null;
  /** Upstream API key: encrypted at once, never returned or logged. */
  credential?: string | null;
}

export interface EndpointFilter {
  institutionId?: string;
  name?: string;
  state?: EndpointState;
  health?: EndpointHealth;
  offeringId?: string;
  isolationMode?: IsolationMode;
}
