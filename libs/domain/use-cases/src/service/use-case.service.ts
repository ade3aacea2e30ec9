import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_SINK, adminScopeFor, hasAnyRole, type AuditSink, type Principal } from '@ai-commons/core';
import { pgConstraint, pgErrorCode } from '@ai-commons/database';
import { DATA_CLASSIFICATIONS, type DataClassification } from '@ai-commons/tenancy';
import { UseCaseError } from '../use-case-errors';
import {
  materialChanges,
  validApproval,
  validComment,
  validContent,
  validPatch,
  validText,
  validUseCaseId,
  isUuid,
  type UseCaseInput,
} from '../use-case-validation';
import { assertMayAct, decideTransition } from '../use-case-workflow';
import {
  ENFORCEMENT_MODES,
  RISK_TIERS,
  USE_CASE_STATES,
  type EnforcementMode,
  type RiskTier,
  type Transition,
  type UseCaseAction,
  type UseCaseCommand,
  type UseCaseContent,
  type UseCaseState,
  type WorkflowActor,
} from '../use-case.model';
import {
  USE_CASE_SELECT,
  contentOf,
  loadHistory,
  loadUseCase,
  loadVersion,
  loadVersions,
  type TimeCursor,
  statusOf,
  toUseCaseRecord,
  type UseCaseHistoryRecord,
  type UseCaseRecord,
  type UseCaseRow,
  type UseCaseVersionRecord,
} from './use-case-records';
import { UseCaseScopes } from './use-case-scopes';

export interface UseCaseFilter {
  institutionId?: string | null;
  state?: UseCaseState | null;
  riskTier?: RiskTier | null;
  highImpact?: boolean | null;
  /** Approvals (approved or suspended) ending within this many days. */
  expiringWithinDays?: number | null;
  /** Only use cases with a version waiting for the regulator (the review queue). */
  awaitingReview?: boolean;
}

export interface ApprovalInput {
  reference: string;
  conditions?: string | null;
  validFrom?: Date | null;
  validUntil: Date;
}

const MAX_EXPIRING_DAYS = 3650;
const REVIEW_ACTIONS: ReadonlySet<UseCaseAction> = new Set(['approve', 'request-changes', 'reject', 'suspend', 'reinstate']);

/**
 * The AI use-case register. Institutions declare and maintain their use cases (tenant scope);
 * regulators decide on them (review scope); everyone with a role reads (members their own).
 * Every transition goes through the pure workflow (`decideTransition`), lands in the use case's
 * history and in the audit log, in one transaction.
 */
@Injectable()
export class UseCaseService {
  constructor(
    private readonly scopes: UseCaseScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  list(principal: Principal, filter: UseCaseFilter, size: number, after?: unknown[]): Promise<{ rows: UseCaseRecord[]; size: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.institutionId != null) where.push(`u.tenant_id = ${param(validId(filter.institutionId, 'institutionId'))}`);
    if (filter.state != null) {
      if (!USE_CASE_STATES.includes(filter.state)) throw new UseCaseError('INVALID_FILTER', 'Unknown state', { field: 'state' });
      where.push(`u.state = ${param(filter.state)}`);
    }
    if (filter.riskTier != null) {
      if (!RISK_TIERS.includes(filter.riskTier)) throw new UseCaseError('INVALID_FILTER', 'Unknown risk tier', { field: 'riskTier' });
      where.push(`v.risk_tier = ${param(filter.riskTier)}`);
    }
    if (filter.highImpact != null) where.push(`v.high_impact = ${param(filter.highImpact)}`);
    if (filter.expiringWithinDays != null) {
      const days = filter.expiringWithinDays;
      if (!Number.isInteger(days) || days < 0 || days > MAX_EXPIRING_DAYS) {
        throw new UseCaseError('INVALID_FILTER', `expiringWithinDays must be an integer from 0 to ${MAX_EXPIRING_DAYS}`, { field: 'expiringWithinDays' });
      }
      where.push(`u.state in ('approved', 'suspended') and u.valid_until <= now() + make_interval(days => ${param(days)})`);
    }
    if (filter.awaitingReview) where.push(`(u.state = 'submitted' or u.revision_state = 'submitted')`);
    if (after) {
      const cursor = timeCursor(after);
      where.push(`(date_trunc('milliseconds', u.created_at), u.id) > (${param(cursor.at)}::timestamptz, ${param(cursor.id)}::uuid)`);
    }
    const sql = `${USE_CASE_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''}
      order by date_trunc('milliseconds', u.created_at), u.id limit ${param(size + 1)}`;
    return this.scopes.read(principal, 'list use cases', async (tx) => ({ rows: ((await tx.query(sql, params)) as UseCaseRow[]).map(toUseCaseRecord), size }));
  }

  get(principal: Principal, id: string): Promise<UseCaseRecord> {
    const useCaseId = validUseCaseId(id);
    return this.scopes.read(principal, `read use case ${useCaseId}`, async (tx) => (await loadUseCase(tx, useCaseId)) ?? notFound(useCaseId));
  }

  versions(principal: Principal, id: string, size: number, after?: unknown[]): Promise<{ rows: UseCaseVersionRecord[]; size: number }> {
    const useCaseId = validUseCaseId(id);
    const before = after === undefined ? undefined : versionCursor(after);
    return this.scopes.read(principal, `read versions of use case ${useCaseId}`, async (tx) => ({
      rows: await loadVersions(tx, useCaseId, size, before),
      size,
    }));
  }

  history(principal: Principal, id: string, size: number, after?: unknown[]): Promise<{ rows: UseCaseHistoryRecord[]; size: number }> {
    const useCaseId = validUseCaseId(id);
    const cursor = after === undefined ? undefined : timeCursor(after);
    return this.scopes.read(principal, `read history of use case ${useCaseId}`, async (tx) => ({ rows: await loadHistory(tx, useCaseId, size, cursor), size }));
  }

  /** Requests, tokens and last use from usage records; refusals by reason from the audit log (last `days` days). */
  usage(principal: Principal, id: string, days = 30): Promise<UseCaseUsage> {
    const useCaseId = validUseCaseId(id);
    return this.scopes.read(principal, `read usage of use case ${useCaseId}`, async (tx) => {
      const [totals]: { requests: number; prompt: string; completion: string; last_used_at: Date | null }[] = await tx.query(
        `select count(*)::int as requests, coalesce(sum(prompt_tokens), 0)::text as prompt, coalesce(sum(completion_tokens), 0)::text as completion,
                max(occurred_at) as last_used_at
         from usage_records where use_case_id = $1 and occurred_at > now() - make_interval(days => $2)`,
        [useCaseId, days],
      );
      const refusals: { reason: string; count: number }[] = await tx.query(
        `select coalesce(details ->> 'useCaseReason', details ->> 'code', 'other') as reason, count(*)::int as count
         from audit_events
         where occurred_at > now() - make_interval(days => $2) and outcome = 'denied' and details ->> 'useCaseId' = $1
         group by 1 order by 2 desc limit 20`,
        [useCaseId, days],
      );
      return {
        days,
        requests: totals.requests,
        promptTokens: Number(totals.prompt),
        completionTokens: Number(totals.completion),
        lastUsedAt: totals.last_used_at,
        refusalsByReason: refusals,
      };
    });
  }

  /**
   * Gateway usage grouped by institution, use case (null: requests of credentials bound to none)
   * and day (KST), over at most 366 days.
   */
  usageReport(principal: Principal, from: Date, to: Date, institutionId?: string | null): Promise<UseCaseUsageRow[]> {
    if (
      !(from instanceof Date) ||
      !(to instanceof Date) ||
      Number.isNaN(from.getTime()) ||
      Number.isNaN(to.getTime()) ||
      to <= from ||
      to.getTime() - from.getTime() > 366 * 86_400_000
    ) {
      throw new UseCaseError('INVALID_FILTER', 'from must be before to, at most 366 days apart', { field: 'to' });
    }
    const tenantId = institutionId == null ? null : validId(institutionId, 'institutionId');
    return this.scopes.read(principal, 'use-case usage report', async (tx) => {
      const rows: { tenant_id: string; use_case_id: string | null; name: string | null; day: string; requests: number; prompt: string; completion: string }[] =
        await tx.query(
          `select r.tenant_id, r.use_case_id, u.name, r.day, r.requests, r.prompt, r.completion from (
           select tenant_id, use_case_id, to_char(occurred_at at time zone 'Asia/Seoul', 'YYYY-MM-DD') as day, count(*)::int as requests,
                  coalesce(sum(prompt_tokens), 0)::text as prompt, coalesce(sum(completion_tokens), 0)::text as completion
           from usage_records where occurred_at >= $1 and occurred_at < $2 and ($3::uuid is null or tenant_id = $3)
           group by 1, 2, 3) r
         left join use_cases u on u.id = r.use_case_id
         order by r.day, r.tenant_id, u.name nulls last limit 10000`,
          [from, to, tenantId],
        );
      return rows.map((row) => ({
        institutionId: row.tenant_id,
        useCaseId: row.use_case_id,
        useCaseName: row.name,
        day: row.day,
        requests: row.requests,
        promptTokens: Number(row.prompt),
        completionTokens: Number(row.completion),
      }));
    });
  }

  /** The use case's own audit events (its transitions) and its gateway events of the last `days` days, newest first. */
  auditEvents(principal: Principal, id: string, size: number, after?: unknown[], days = 30): Promise<{ rows: UseCaseAuditEvent[]; size: number }> {
    const useCaseId = validUseCaseId(id);
    const cursor = after === undefined ? undefined : timeCursor(after);
    return this.scopes.read(principal, `read audit events of use case ${useCaseId}`, async (tx) => {
      // Newest first; keyset on (millisecond time, id) below the cursor.
      const before = `($4::timestamptz is null or (date_trunc('milliseconds', occurred_at), id) < ($4::timestamptz, $5::uuid))`;
      const rows: { id: string; occurred_at: Date; action: string; outcome: string; actor_subject: string | null; details: Record<string, unknown> }[] =
        await tx.query(
          `(select id, occurred_at, date_trunc('milliseconds', occurred_at) as at_ms, action, outcome, actor_subject, details from audit_events
           where resource_type = 'use-case' and resource_id = $1 and ${before}
           order by date_trunc('milliseconds', occurred_at) desc, id desc limit $2)
         union all
         (select id, occurred_at, date_trunc('milliseconds', occurred_at) as at_ms, action, outcome, actor_subject, details from audit_events
           where occurred_at > now() - make_interval(days => $3) and resource_type <> 'use-case' and details ->> 'useCaseId' = $1 and ${before}
           order by date_trunc('milliseconds', occurred_at) desc, id desc limit $2)
         order by at_ms desc, id desc limit $2`,
          [useCaseId, size + 1, days, cursor?.at ?? null, cursor?.id ?? null],
        );
      return {
        rows: rows.map((row) => ({
          id: row.id,
          occurredAt: row.occurred_at,
          action: row.action,
          outcome: row.outcome,
          actorSubject: row.actor_subject,
          detailsJson: JSON.stringify(row.details ?? {}),
        })),
        size,
      };
    });
  }

  /** An institution declares a use case: version 1, a draft. */
  create(principal: Principal, input: UseCaseInput): Promise<UseCaseRecord> {
    return this.scopes.tenant(async (tx, tenantId) => {
      const content = validContent(input, await institutionCeiling(tx, tenantId));
      await assertOwnEndpoints(tx, content.endpointIds);
      const id = randomUUID();
      try {
        await tx.query('insert into use_cases (tenant_id, id, name, created_by) values ($1, $2, $3, $4)', [tenantId, id, content.name, principal.subject]);
      } catch (error) {
        throw nameTaken(error, content.name);
      }
      await insertVersion(tx, tenantId, id, 1, 'draft', content, principal.subject);
      await this.record(
        tx,
        principal,
        'tenant-admin',
        { tenantId, useCaseId: id, version: 1, action: 'create', from: null, to: 'draft', comment: null },
        { name: content.name, riskTier: content.riskTier, highImpact: content.highImpact },
      );
      return (await loadUseCase(tx, id))!;
    });
  }

  /** Edits the declaration: in place for a draft; a material change of an approved use case opens a new version. */
  update(principal: Principal, id: string, patch: UseCaseInput): Promise<UseCaseRecord> {
    const useCaseId = validUseCaseId(id);
    return this.scopes.tenant(async (tx, tenantId) => {
      const current = (await loadUseCase(tx, useCaseId, true)) ?? notFound(useCaseId);
      const before = contentOf(current);
      const after = validPatch(before, patch, await institutionCeiling(tx, tenantId));
      if (after.endpointIds.join() !== before.endpointIds.join()) await assertOwnEndpoints(tx, after.endpointIds);
      const changed = materialChanges(before, after);
      const transition = this.decide(current, { kind: 'edit', material: changed.length > 0 }, principal, 'edit');
      if (transition.newVersion !== null) {
        await insertVersion(tx, tenantId, useCaseId, transition.newVersion, 'draft', after, principal.subject);
      } else {
        await tx.query(
          `update use_case_versions set purpose = $3, business_process = $4, data_classification_ceiling = $5, endpoint_ids = $6,
             risk_tier = $7, high_impact = $8, human_oversight = $9, owner = $10, contact = $11, state = coalesce($12, state)
           where use_case_id = $1 and version = $2`,
          [
            useCaseId,
            current.latestVersion,
            after.purpose,
            after.businessProcess,
            after.dataClassificationCeiling,
            after.endpointIds,
            after.riskTier,
            after.highImpact,
            after.humanOversight,
            after.owner,
            after.contact,
            transition.version?.state ?? null,
          ],
        );
      }
      if (after.name !== before.name) {
        await tx.query('update use_cases set name = $2 where id = $1', [useCaseId, after.name]).catch((error: unknown) => {
          throw nameTaken(error, after.name);
        });
      }
      await this.persist(tx, principal, current, transition, 'edit', null, { materialChanges: changed, newVersion: transition.newVersion });
      return (await loadUseCase(tx, useCaseId))!;
    });
  }

  submit(principal: Principal, id: string, comment?: string | null): Promise<UseCaseRecord> {
    return this.transitionAsTenant(principal, id, { kind: 'submit' }, comment ?? null);
  }

  withdraw(principal: Principal, id: string, comment: string): Promise<UseCaseRecord> {
    return this.transitionAsTenant(principal, id, { kind: 'withdraw' }, validComment(comment));
  }

  approve(principal: Principal, id: string, input: ApprovalInput, comment?: string | null): Promise<UseCaseRecord> {
    const approval = validApproval(input, new Date());
    return this.review(principal, id, { kind: 'approve', approval }, comment ? validComment(comment) : null);
  }

  requestChanges(principal: Principal, id: string, comment: string): Promise<UseCaseRecord> {
    return this.review(principal, id, { kind: 'request-changes' }, validComment(comment));
  }

  reject(principal: Principal, id: string, comment: string): Promise<UseCaseRecord> {
    return this.review(principal, id, { kind: 'reject' }, validComment(comment));
  }

  suspend(principal: Principal, id: string, comment: string): Promise<UseCaseRecord> {
    return this.review(principal, id, { kind: 'suspend' }, validComment(comment));
  }

  reinstate(principal: Principal, id: string, comment: string): Promise<UseCaseRecord> {
    return this.review(principal, id, { kind: 'reinstate' }, validComment(comment));
  }

  /** The platform's sweep: approvals past their validity become `expired` (the gateway already refuses them). */
  async expireDue(now = new Date()): Promise<number> {
    return this.scopes.system('expiry sweep', async (tx) => {
      const ids: { id: string }[] = await tx.query(
        `select id from use_cases where state in ('approved', 'suspended') and valid_until <= $1 order by valid_until limit 500 for update skip locked`,
        [now],
      );
      for (const { id } of ids) {
        const current = (await loadUseCase(tx, id))!;
        const transition = decideTransition(statusOf(current), { kind: 'expire' }, { kind: 'system', subject: 'system' }, now);
        await this.persist(tx, { subject: 'system' } as Principal, current, transition, 'expire', 'end of validity', {}, 'system');
      }
      return ids.length;
    });
  }

  /** Platform admins switch an institution between `enforce` and `report-only`. */
  setEnforcement(principal: Principal, institutionId: string, mode: EnforcementMode): Promise<EnforcementMode> {
    const tenantId = validId(institutionId, 'institutionId');
    if (!ENFORCEMENT_MODES.includes(mode)) throw new UseCaseError('INVALID_ENFORCEMENT_MODE', `mode must be ${ENFORCEMENT_MODES.join(' or ')}`);
    return this.scopes.admin(adminScopeFor(principal, `set use-case enforcement of ${tenantId}`), async (tx) => {
      const rows: { before: EnforcementMode }[] = await tx.query(
        `update institutions i set use_case_enforcement = $2 from institutions old
         where i.id = $1 and old.id = i.id returning old.use_case_enforcement as before`,
        [tenantId, mode],
      );
      if (rows.length === 0) throw new UseCaseError('INVALID_FILTER', `No institution with id ${tenantId}`, { field: 'institutionId' });
      await this.audit.record(
        {
          action: 'use-case.enforcement-change',
          resourceType: 'institution',
          resourceId: tenantId,
          tenantId,
          outcome: 'success',
          details: { before: rows[0].before, after: mode },
        },
        tx,
      );
      return mode;
    });
  }

  enforcement(principal: Principal, institutionId: string): Promise<EnforcementMode> {
    const tenantId = validId(institutionId, 'institutionId');
    return this.scopes.read(principal, `read use-case enforcement of ${tenantId}`, async (tx) => {
      const rows: { mode: EnforcementMode }[] = await tx.query('select use_case_enforcement as mode from institutions where id = $1', [tenantId]);
      if (rows.length === 0) throw new UseCaseError('INVALID_FILTER', `No institution with id ${tenantId}`, { field: 'institutionId' });
      return rows[0].mode;
    });
  }

  /** Binds one of the institution's service accounts (Keycloak client id) to one of its use cases. */
  bindServiceAccount(principal: Principal, clientId: string, useCaseId: string): Promise<ServiceAccountBinding> {
    const client = validText('clientId', clientId, 128);
    if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(client))
      throw new UseCaseError('INVALID_TEXT_FIELD', 'clientId must be a Keycloak client id', { field: 'clientId' });
    const id = validUseCaseId(useCaseId);
    return this.scopes.tenant(async (tx, tenantId) => {
      if (!(await loadUseCase(tx, id))) notFound(id);
      await tx.query(
        `insert into service_account_use_cases (tenant_id, client_id, use_case_id, bound_by) values ($1, $2, $3, $4)
         on conflict (tenant_id, client_id) do update set use_case_id = excluded.use_case_id, bound_by = excluded.bound_by, bound_at = now()`,
        [tenantId, client, id, principal.subject],
      );
      await this.audit.record(
        {
          action: 'use-case.bind-service-account',
          resourceType: 'use-case',
          resourceId: id,
          tenantId,
          outcome: 'success',
          details: { useCaseId: id, clientId: client },
        },
        tx,
      );
      return { institutionId: tenantId, clientId: client, useCaseId: id, boundBy: principal.subject, boundAt: new Date() };
    });
  }

  /** Service-account bindings, by client id: tenant admins see their institution's, platform admins and regulators all. */
  serviceAccountBindings(principal: Principal, size: number, after?: unknown[]): Promise<{ rows: ServiceAccountBinding[]; size: number }> {
    if (after !== undefined && (after.length !== 2 || typeof after[0] !== 'string' || !isUuid(after[1]))) {
      throw new UseCaseError('INVALID_FILTER', 'The cursor is not one this server issued', { field: 'after' });
    }
    return this.scopes.read(principal, 'list service-account use-case bindings', async (tx) => {
      const rows: { tenant_id: string; client_id: string; use_case_id: string; bound_by: string; bound_at: Date }[] = await tx.query(
        `select tenant_id, client_id, use_case_id, bound_by, bound_at from service_account_use_cases
         where ($1::text is null or (client_id, tenant_id) > ($1::text, $2::uuid)) order by client_id, tenant_id limit $3`,
        [after?.[0] ?? null, after?.[1] ?? null, size + 1],
      );
      return {
        rows: rows.map((row) => ({
          institutionId: row.tenant_id,
          clientId: row.client_id,
          useCaseId: row.use_case_id,
          boundBy: row.bound_by,
          boundAt: row.bound_at,
        })),
        size,
      };
    });
  }

  /** Removes a service account's binding: once the institution enforces, its requests are refused (`unbound`). */
  unbindServiceAccount(principal: Principal, clientId: string): Promise<boolean> {
    const client = validText('clientId', clientId, 128);
    return this.scopes.tenant(async (tx, tenantId) => {
      const rows: { use_case_id: string }[] = await tx.query(
        'delete from service_account_use_cases where tenant_id = $1 and client_id = $2 returning use_case_id',
        [tenantId, client],
      );
      if (rows.length === 0) return false;
      await this.audit.record(
        {
          action: 'use-case.unbind-service-account',
          resourceType: 'use-case',
          resourceId: rows[0].use_case_id,
          tenantId,
          outcome: 'success',
          details: { useCaseId: rows[0].use_case_id, clientId: client },
        },
        tx,
      );
      return true;
    });
  }

  private transitionAsTenant(principal: Principal, id: string, command: UseCaseCommand, comment: string | null): Promise<UseCaseRecord> {
    const useCaseId = validUseCaseId(id);
    if (comment !== null) comment = validComment(comment);
    // The role rule first, so a regulator or platform admin hears why, not "no tenant scope".
    assertActorFor(principal, command.kind);
    return this.scopes.tenant(async (tx, tenantId) => {
      const current = (await loadUseCase(tx, useCaseId, true)) ?? notFound(useCaseId);
      const transition = this.decide(current, command, principal, command.kind);
      if (transition.newVersion !== null) {
        await insertVersion(tx, tenantId, useCaseId, transition.newVersion, transition.version!.state, await servingContent(tx, current), principal.subject);
      }
      await this.persist(tx, principal, current, transition, command.kind, comment, {});
      return (await loadUseCase(tx, useCaseId))!;
    });
  }

  private async review(principal: Principal, id: string, command: UseCaseCommand, comment: string | null): Promise<UseCaseRecord> {
    const useCaseId = validUseCaseId(id);
    try {
      assertActorFor(principal, command.kind);
    } catch (error) {
      // A platform admin attempting a review decision: refused (separation of duties) and audited.
      if (error instanceof UseCaseError && error.code === 'SEPARATION_OF_DUTIES') await this.recordSeparationOfDuties(principal, useCaseId, command.kind);
      throw error;
    }
    return this.scopes.review(principal, `${command.kind} use case ${useCaseId}`, async (tx) => {
      const current = (await loadUseCase(tx, useCaseId, true)) ?? notFound(useCaseId);
      const transition = this.decide(current, command, principal, command.kind);
      await this.persist(
        tx,
        principal,
        current,
        transition,
        command.kind,
        comment,
        command.kind === 'approve' ? { reference: command.approval.reference, validUntil: command.approval.validUntil.toISOString() } : {},
      );
      return (await loadUseCase(tx, useCaseId))!;
    });
  }

  private recordSeparationOfDuties(principal: Principal, useCaseId: string, action: UseCaseAction): Promise<void> {
    return this.scopes.admin(adminScopeFor(principal, `refused ${action} of use case ${useCaseId}`), async (tx) => {
      const rows: { tenant_id: string }[] = await tx.query('select tenant_id from use_cases where id = $1', [useCaseId]);
      await this.audit.record(
        {
          action: `use-case.${action}`,
          resourceType: 'use-case',
          resourceId: useCaseId,
          tenantId: rows[0]?.tenant_id,
          outcome: 'denied',
          details: { useCaseId, code: 'SEPARATION_OF_DUTIES', role: 'platform-admin' },
        },
        tx,
      );
    });
  }

  private decide(current: UseCaseRecord, command: UseCaseCommand, principal: Principal, action: UseCaseAction): Transition {
    return decideTransition(statusOf(current), command, actorOf(principal, action), new Date());
  }

  /** Writes a transition: version states, the use case row, its history and the audit record. */
  private async persist(
    tx: EntityManager,
    principal: Principal,
    current: UseCaseRecord,
    transition: Transition,
    action: UseCaseAction,
    comment: string | null,
    details: Record<string, unknown>,
    role: string = actorOf(principal, action).kind,
  ): Promise<void> {
    const { next } = transition;
    const review = REVIEW_ACTIONS.has(action);
    if (transition.version && transition.newVersion === null && action !== 'edit') {
      await tx.query(
        `update use_case_versions set state = $3, decided_by = case when $4 then $5 else decided_by end, decided_at = case when $4 then now() else decided_at end
         where use_case_id = $1 and version = $2`,
        [current.id, transition.version.version, transition.version.state, review, principal.subject],
      );
    }
    if (transition.superseded !== null) {
      await tx.query(`update use_case_versions set state = 'superseded' where use_case_id = $1 and version = $2`, [current.id, transition.superseded]);
    }
    const approvalChanged = next.approval !== current.approval;
    await tx.query(
      // Approval columns are written only by an approval (a JavaScript Date would round stored microseconds).
      `update use_cases set state = $2, latest_version = $3, serving_version = $4, revision_state = $5,
         approval_reference = case when $10 then $6 else approval_reference end,
         approval_conditions = case when $10 then $7 else approval_conditions end,
         valid_from = case when $10 then $8::timestamptz else valid_from end,
         valid_until = case when $10 then $9::timestamptz else valid_until end,
         approved_by = case when $10 then $11 else approved_by end, approved_at = case when $10 then now() else approved_at end,
         updated_at = now()
       where id = $1`,
      [
        current.id,
        next.state,
        next.latestVersion,
        next.servingVersion,
        next.revisionState,
        next.approval?.reference ?? null,
        next.approval?.conditions ?? null,
        next.approval?.validFrom ?? null,
        next.approval?.validUntil ?? null,
        approvalChanged,
        principal.subject,
      ],
    );
    const version = transition.version?.version ?? transition.newVersion ?? current.latestVersion;
    await this.record(
      tx,
      principal,
      role,
      { tenantId: current.institutionId, useCaseId: current.id, version, action, from: transition.from, to: transition.to, comment },
      {
        ...(transition.version ? { versionState: transition.version.state } : {}),
        ...(transition.superseded !== null ? { superseded: transition.superseded } : {}),
        ...details,
      },
    );
  }

  private async record(
    tx: EntityManager,
    principal: Principal,
    role: string,
    entry: { tenantId: string; useCaseId: string; version: number | null; action: string; from: string | null; to: string; comment: string | null },
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `insert into use_case_history (tenant_id, use_case_id, version, action, from_state, to_state, actor_subject, actor_role, comment)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [entry.tenantId, entry.useCaseId, entry.version, entry.action, entry.from, entry.to, principal.subject, role, entry.comment],
    );
    await this.audit.record(
      {
        action: `use-case.${entry.action}`,
        resourceType: 'use-case',
        resourceId: entry.useCaseId,
        tenantId: entry.tenantId,
        outcome: 'success',
        details: { useCaseId: entry.useCaseId, version: entry.version, from: entry.from, to: entry.to, comment: entry.comment, role, ...details },
      },
      tx,
    );
  }
}

export interface UseCaseUsage {
  days: number;
  requests: number;
  promptTokens: number;
  completionTokens: number;
  lastUsedAt: Date | null;
  refusalsByReason: { reason: string; count: number }[];
}

export interface ServiceAccountBinding {
  institutionId: string;
  clientId: string;
  useCaseId: string;
  boundBy: string;
  boundAt: Date;
}

export interface UseCaseUsageRow {
  institutionId: string;
  useCaseId: string | null;
  useCaseName: string | null;
  day: string;
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

export interface UseCaseAuditEvent {
  id: string;
  occurredAt: Date;
  action: string;
  outcome: string;
  actorSubject: string | null;
  detailsJson: string;
}

/** The role a principal acts in for `action` (a principal may hold several roles). */
export function actorOf(principal: Principal, action: UseCaseAction): WorkflowActor {
  const base = { subject: principal.subject, tenantId: principal.institutionId };
  if (REVIEW_ACTIONS.has(action) && hasAnyRole(principal, ['regulator'])) return { ...base, kind: 'regulator' };
  if (hasAnyRole(principal, ['tenant-admin']) && principal.institutionId) return { ...base, kind: 'tenant-admin' };
  if (hasAnyRole(principal, ['platform-admin'])) return { ...base, kind: 'platform-admin' };
  if (hasAnyRole(principal, ['regulator'])) return { ...base, kind: 'regulator' };
  if (principal.authMethod === 'system') return { ...base, kind: 'system' };
  return { ...base, kind: 'tenant-member' };
}

/** The role rule without a use case at hand (before a scope is opened): same rule, same errors; ownership is checked on the row. */
function assertActorFor(principal: Principal, action: UseCaseAction): void {
  const actor = actorOf(principal, action);
  assertMayAct(action, actor, actor.tenantId ?? '');
}

async function insertVersion(
  tx: EntityManager,
  tenantId: string,
  useCaseId: string,
  version: number,
  state: string,
  content: UseCaseContent,
  by: string,
): Promise<void> {
  await tx.query(
    `insert into use_case_versions (tenant_id, use_case_id, version, state, purpose, business_process, data_classification_ceiling,
       endpoint_ids, risk_tier, high_impact, human_oversight, owner, contact, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
    [
      tenantId,
      useCaseId,
      version,
      state,
      content.purpose,
      content.businessProcess,
      content.dataClassificationCeiling,
      content.endpointIds,
      content.riskTier,
      content.highImpact,
      content.humanOversight,
      content.owner,
      content.contact,
      by,
    ],
  );
}

/** A renewal resubmits what was approved. */
async function servingContent(tx: EntityManager, current: UseCaseRecord): Promise<UseCaseContent> {
  const serving = current.servingVersion === null ? undefined : await loadVersion(tx, current.id, current.servingVersion);
  return serving ? { name: current.name, ...serving } : contentOf(current);
}

/** A cursor this server issued: [ISO time, uuid]. Anything else is bad input, never a SQL error. */
function timeCursor(after: unknown[]): TimeCursor {
  const [at, id] = after;
  const time = typeof at === 'string' ? new Date(at) : undefined;
  if (after.length !== 2 || !time || Number.isNaN(time.getTime()) || !isUuid(id)) {
    throw new UseCaseError('INVALID_FILTER', 'The cursor is not one this server issued', { field: 'after' });
  }
  return { at: time, id };
}

function versionCursor(after: unknown[]): number {
  const [version] = after;
  if (after.length !== 1 || typeof version !== 'string' || !/^[1-9][0-9]{0,8}$/.test(version)) {
    throw new UseCaseError('INVALID_FILTER', 'The cursor is not one this server issued', { field: 'after' });
  }
  return Number(version);
}

async function institutionCeiling(tx: EntityManager, tenantId: string): Promise<DataClassification> {
  const rows: { ceiling: DataClassification }[] = await tx.query('select data_classification_ceiling as ceiling from institutions where id = $1', [tenantId]);
  const ceiling = rows[0]?.ceiling;
  return DATA_CLASSIFICATIONS.includes(ceiling) ? ceiling : 'public';
}

/** Every endpoint must be the institution's own (RLS hides the others') and not retired. */
async function assertOwnEndpoints(tx: EntityManager, ids: string[]): Promise<void> {
  const rows: { id: string; state: string }[] = await tx.query('select id, state from endpoints where id = any($1::uuid[])', [ids]);
  const usable = new Set(rows.filter((row) => row.state !== 'retired').map((row) => row.id));
  const unknown = ids.filter((id) => !usable.has(id));
  if (unknown.length > 0)
    throw new UseCaseError('UNKNOWN_ENDPOINT', 'endpointIds names an endpoint the institution does not have', { field: 'endpointIds', endpointIds: unknown });
}

function validId(value: string, field: string): string {
  if (!isUuid(value)) throw new UseCaseError('INVALID_FILTER', `${field} must be a UUID`, { field });
  return value.toLowerCase();
}

/** A unique-name violation as the caller's error; anything else unchanged. */
function nameTaken(error: unknown, name: string): unknown {
  if (pgErrorCode(error) === '23505' && pgConstraint(error) === 'use_cases_name_key') {
    return new UseCaseError('USE_CASE_NAME_TAKEN', `The institution already has a use case named "${name}"`, { name });
  }
  return error;
}

function notFound(id: string): never {
  throw new UseCaseError('USE_CASE_NOT_FOUND', `No use case with id ${id}`, { id });
}
