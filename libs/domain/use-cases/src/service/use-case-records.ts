import type { EntityManager } from 'typeorm';
import type { Approval, RiskTier, UseCaseContent, UseCaseState, UseCaseStatus, VersionState } from '../use-case.model';
import type { DataClassification } from '@ai-commons/tenancy';

export interface UseCaseRecord extends UseCaseContent {
  id: string;
  institutionId: string;
  state: UseCaseState;
  latestVersion: number;
  servingVersion: number | null;
  revisionState: VersionState | null;
  approval: (Approval & { approvedBy: string | null; approvedAt: Date | null }) | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface UseCaseVersionRecord extends Omit<UseCaseContent, 'name'> {
  useCaseId: string;
  version: number;
  state: VersionState;
  createdBy: string;
  createdAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface UseCaseHistoryRecord {
  id: string;
  useCaseId: string;
  version: number | null;
  action: string;
  fromState: string | null;
  toState: string;
  actorSubject: string;
  actorRole: string;
  comment: string | null;
  occurredAt: Date;
}

/** The latest version's declaration beside the use case's state and serving approval. */
export const USE_CASE_SELECT = `
  select u.tenant_id, u.id, u.name, u.state, u.latest_version, u.serving_version, u.revision_state,
         u.approval_reference, u.approval_conditions, u.valid_from, u.valid_until, u.approved_by, u.approved_at,
         u.created_by, u.created_at, u.updated_at,
         v.purpose, v.business_process, v.data_classification_ceiling, v.endpoint_ids, v.risk_tier, v.high_impact,
         v.human_oversight, v.owner, v.contact
  from use_cases u
  join use_case_versions v on v.tenant_id = u.tenant_id and v.use_case_id = u.id and v.version = u.latest_version`;

export interface UseCaseRow {
  tenant_id: string;
  id: string;
  name: string;
  state: UseCaseState;
  latest_version: number;
  serving_version: number | null;
  revision_state: VersionState | null;
  approval_reference: string | null;
  approval_conditions: string | null;
  valid_from: Date | null;
  valid_until: Date | null;
  approved_by: string | null;
  approved_at: Date | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  purpose: string;
  business_process: string;
  data_classification_ceiling: DataClassification;
  endpoint_ids: string[];
  risk_tier: RiskTier;
  high_impact: boolean;
  human_oversight: string;
  owner: string;
  contact: string;
}

export function toUseCaseRecord(row: UseCaseRow): UseCaseRecord {
  return {
    id: row.id,
    institutionId: row.tenant_id,
    name: row.name,
    state: row.state,
    latestVersion: row.latest_version,
    servingVersion: row.serving_version,
    revisionState: row.revision_state,
    approval:
      row.approval_reference !== null && row.valid_until !== null
        ? {
            reference: row.approval_reference,
            conditions: row.approval_conditions ?? '',
            validFrom: row.valid_from ?? row.valid_until,
            validUntil: row.valid_until,
            approvedBy: row.approved_by,
            approvedAt: row.approved_at,
          }
        : null,
    purpose: row.purpose,
    businessProcess: row.business_process,
    dataClassificationCeiling: row.data_classification_ceiling,
    endpointIds: row.endpoint_ids,
    riskTier: row.risk_tier,
    highImpact: row.high_impact,
    humanOversight: row.human_oversight,
    owner: row.owner,
    contact: row.contact,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function statusOf(record: UseCaseRecord): UseCaseStatus {
  return {
    tenantId: record.institutionId,
    state: record.state,
    servingVersion: record.servingVersion,
    approval: record.approval,
    latestVersion: record.latestVersion,
    revisionState: record.revisionState,
  };
}

export function contentOf(record: UseCaseRecord): UseCaseContent {
  const { name, purpose, businessProcess, dataClassificationCeiling, endpointIds, riskTier, highImpact, humanOversight, owner, contact } = record;
  return {
    name,
    purpose,
    businessProcess,
    dataClassificationCeiling,
    endpointIds: [...endpointIds].sort(),
    riskTier,
    highImpact,
    humanOversight,
    owner,
    contact,
  };
}

export async function loadUseCase(tx: EntityManager, id: string, lock = false): Promise<UseCaseRecord | undefined> {
  if (lock) await tx.query('select 1 from use_cases where id = $1 for update', [id]);
  const rows: UseCaseRow[] = await tx.query(`${USE_CASE_SELECT} where u.id = $1`, [id]);
  return rows[0] && toUseCaseRecord(rows[0]);
}

/** Versions, newest first, `size + 1` rows after the cursor (a version number). */
export async function loadVersions(tx: EntityManager, id: string, size: number, beforeVersion?: number): Promise<UseCaseVersionRecord[]> {
  const rows: VersionRow[] = await tx.query(
    'select * from use_case_versions where use_case_id = $1 and ($2::int is null or version < $2) order by version desc limit $3',
    [id, beforeVersion ?? null, size + 1],
  );
  return rows.map(toVersionRecord);
}

export async function loadVersion(tx: EntityManager, id: string, version: number): Promise<UseCaseVersionRecord | undefined> {
  const rows: VersionRow[] = await tx.query('select * from use_case_versions where use_case_id = $1 and version = $2', [id, version]);
  return rows[0] && toVersionRecord(rows[0]);
}

type VersionRow = UseCaseRow & { use_case_id: string; version: number; state: VersionState; decided_by: string | null; decided_at: Date | null };

function toVersionRecord(row: VersionRow): UseCaseVersionRecord {
  return {
    useCaseId: row.use_case_id,
    version: row.version,
    state: row.state,
    purpose: row.purpose,
    businessProcess: row.business_process,
    dataClassificationCeiling: row.data_classification_ceiling,
    endpointIds: row.endpoint_ids,
    riskTier: row.risk_tier,
    highImpact: row.high_impact,
    humanOversight: row.human_oversight,
    owner: row.owner,
    contact: row.contact,
    createdBy: row.created_by,
    createdAt: row.created_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}

/** History, oldest first (keyset on the millisecond time and id), `size + 1` rows after the cursor. */
export async function loadHistory(tx: EntityManager, id: string, size: number, after?: TimeCursor): Promise<UseCaseHistoryRecord[]> {
  const rows: {
    id: string;
    use_case_id: string;
    version: number | null;
    action: string;
    from_state: string | null;
    to_state: string;
    actor_subject: string;
    actor_role: string;
    comment: string | null;
    occurred_at: Date;
  }[] = await tx.query(
    `select * from use_case_history where use_case_id = $1
         and ($2::timestamptz is null or (date_trunc('milliseconds', occurred_at), id) > ($2::timestamptz, $3::uuid))
       order by date_trunc('milliseconds', occurred_at), id limit $4`,
    [id, after?.at ?? null, after?.id ?? null, size + 1],
  );
  return rows.map((row) => ({
    id: row.id,
    useCaseId: row.use_case_id,
    version: row.version,
    action: row.action,
    fromState: row.from_state,
    toState: row.to_state,
    actorSubject: row.actor_subject,
    actorRole: row.actor_role,
    comment: row.comment,
    occurredAt: row.occurred_at,
  }));
}

export interface TimeCursor {
  at: Date;
  id: string;
}
