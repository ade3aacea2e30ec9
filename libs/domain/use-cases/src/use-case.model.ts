import type { DataClassification } from '@ai-commons/tenancy';

/**
 * Where a use case stands. Before its first approval it is the state of its only version; once a
 * version is approved it is the state of the *serving* approval (approved, suspended, expired) and
 * a revision under review is tracked beside it (`revisionState`).
 */
export const USE_CASE_STATES = ['draft', 'submitted', 'changes-requested', 'rejected', 'approved', 'suspended', 'expired', 'withdrawn'] as const;
export type UseCaseState = (typeof USE_CASE_STATES)[number];

/** The state of one version. `superseded`: a later approved version replaced it. */
export const VERSION_STATES = ['draft', 'submitted', 'changes-requested', 'rejected', 'approved', 'superseded', 'withdrawn'] as const;
export type VersionState = (typeof VERSION_STATES)[number];

export const RISK_TIERS = ['low', 'medium', 'high'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export const ENFORCEMENT_MODES = ['enforce', 'report-only'] as const;
export type EnforcementMode = (typeof ENFORCEMENT_MODES)[number];

/** What the institution declares; the regulator reviews it as a whole, per version. */
export interface UseCaseContent {
  name: string;
  /** What the AI is used for, in the institution's words. */
  purpose: string;
  /** The business process it serves, e.g. 여신 심사 보조, 상담 요약, 내부 문서 검색 (RAG). */
  businessProcess: string;
  dataClassificationCeiling: DataClassification;
  /** The endpoints (models) its requests may call. */
  endpointIds: string[];
  riskTier: RiskTier;
  /** High-impact under the AI Basic Act (e.g. credit scoring, loan decisions affecting customers). */
  highImpact: boolean;
  humanOversight: string;
  owner: string;
  contact: string;
}

/** Changing any of these needs the regulator's review again (a new version). */
export const MATERIAL_FIELDS = [
  'purpose',
  'businessProcess',
  'dataClassificationCeiling',
  'endpointIds',
  'riskTier',
  'highImpact',
  'humanOversight',
] as const satisfies readonly (keyof UseCaseContent)[];

/** The regulator's approval of one version. */
export interface Approval {
  /** The authority's designation number. */
  reference: string;
  conditions: string;
  validFrom: Date;
  validUntil: Date;
}

/** The workflow's view of a use case: everything a transition decision reads and writes. */
export interface UseCaseStatus {
  tenantId: string;
  state: UseCaseState;
  /** The approved version the gateway enforces (null before the first approval). */
  servingVersion: number | null;
  approval: Approval | null;
  latestVersion: number;
  /** State of the latest version when it is not the serving one (a revision), else null. */
  revisionState: VersionState | null;
}

export type ReviewerRole = 'regulator';

/** Who acts on the workflow. `system` is the platform's expiry sweep. */
export interface WorkflowActor {
  kind: 'tenant-admin' | 'tenant-member' | 'regulator' | 'platform-admin' | 'system';
  /** The institution a tenant role acts for. */
  tenantId?: string;
  subject: string;
}

export type UseCaseCommand =
  | { kind: 'edit'; material: boolean }
  | { kind: 'submit' }
  | { kind: 'approve'; approval: Approval }
  | { kind: 'request-changes' }
  | { kind: 'reject' }
  | { kind: 'suspend' }
  | { kind: 'reinstate' }
  | { kind: 'expire' }
  | { kind: 'withdraw' };

export type UseCaseAction = UseCaseCommand['kind'];

/** What a transition did: the next status and what the version rows and history record. */
export interface Transition {
  next: UseCaseStatus;
  /** A new version was opened (a material edit of an approved use case, or a renewal). */
  newVersion: number | null;
  /** The version whose state changed and its new state, if any. */
  version: { version: number; state: VersionState } | null;
  /** The serving version this one replaced (it becomes `superseded`). */
  superseded: number | null;
  from: UseCaseState;
  to: UseCaseState;
}
