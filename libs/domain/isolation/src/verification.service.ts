/* eslint-disable @typescript-eslint/no-explicit-any -- rows of raw SQL and GraphQL answers, read field by field */
import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUDIT_SINK, RequestContext, SYSTEM_PRINCIPAL, adminScopeFor, hasAnyRole, readScopeFor, type AuditSink, type Principal, type TenantScope } from '@ai-commons/core';
import { TenantDatabase } from '@ai-commons/database';
import { APP_CONFIG, serviceAccountSecret, type AppConfig } from '@ai-commons/config';
import { AuditKeys } from '@ai-commons/audit';
import { CREDENTIAL_CIPHER, type CredentialCipher } from '@ai-commons/catalog';
import { DEFAULT_POLICY, validatePolicyDocument, type PolicyDocument } from '@ai-commons/policy';
import { parseSignedTreeHead, type SignedTreeHead } from '@ai-commons/audit-proofs';
import { ALL_CHECKS, type CheckResult, type IsolationCheck, type RunContext, type RunInstitution } from './checks';
import { runCheck } from './checks/run-check';
import { isUuid } from '@ai-commons/graphql';
import { IsolationError } from './isolation-errors';
import { signReport, storedReportSignature, type DownloadedReportSignature } from './report-signing';
import type { ReportStatus } from './report/check-tally';
import { alertsFor } from './report/isolation-alerts';
import { assembleReport, type RunTrigger } from './report/isolation-report';

export type { RunTrigger } from './report/isolation-report';
export type RunStatus = 'running' | ReportStatus | 'error';

export interface VerificationRunRecord {
  id: string;
  trigger: RunTrigger;
  requestedBy: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  summary: { pass: number; fail: number; warning: number; durationMs: number } | null;
  reportSha256: string | null;
  signingKeyId: string | null;
}

export interface SignedReport {
  report: Record<string, unknown>;
  /** publicKeyPem is null when the key the report was signed with is no longer configured. */
  signature: DownloadedReportSignature;
}

export interface AlertRecord {
  id: string;
  runId: string;
  checkId: string;
  concern: string;
  summary: string;
  raisedAt: Date;
  acknowledgedAt: Date | null;
}

const SYSTEM_SCOPE: TenantScope = { kind: 'cross-tenant', access: 'system', reason: 'data-isolation verification' };

function toRun(row: Record<string, any>): VerificationRunRecord {
  return {
    id: row.id, trigger: row.trigger, requestedBy: row.requested_by, status: row.status, startedAt: row.started_at, finishedAt: row.finished_at,
    summary: row.summary, reportSha256: row.report_sha256, signingKeyId: row.signing_key_id,
  };
}

/**
 * Data-isolation verification: runs every check as the application's own database role (so the
 * report shows what that role can and cannot reach), signs the report with the audit signing key
 * (Ed25519 over RFC 8785 canonical JSON), stores it with its check results, raises an alert per
 * failed check and records the run in the audit log.
 */
@Injectable()
export class VerificationService {
  private readonly logger = new Logger('IsolationVerification');
  private running?: Promise<unknown>;
  /** The control plane's own URL (known once it listens): the GraphQL probes' target. */
  controlPlaneUrl?: string;
  /** Overridable for tests: the checks a run executes. */
  checks: readonly IsolationCheck[] = ALL_CHECKS;

  constructor(
    private readonly db: TenantDatabase,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: CredentialCipher,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  /** Starts a run and waits for its report. Platform admins and regulators on demand; the scheduler as the system. */
  async run(principal: Principal, trigger: RunTrigger): Promise<VerificationRunRecord> {
    if (this.running) throw new IsolationError('RUN_IN_PROGRESS', 'A verification run is in progress; try again when it has finished');
    const work = this.execute(principal, trigger);
    this.running = work;
    try {
      return await work;
    } finally {
      this.running = undefined;
    }
  }

  private system<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return RequestContext.run({ requestId: RequestContext.current()?.requestId ?? 'isolation-run', principal: SYSTEM_PRINCIPAL, tenantScope: SYSTEM_SCOPE }, () => this.db.transaction(work));
  }

  private tenant<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return RequestContext.run({ requestId: 'isolation-probe', principal: SYSTEM_PRINCIPAL, tenantScope: { kind: 'tenant', tenantId } }, () => this.db.transaction(work));
  }

  private async execute(principal: Principal, trigger: RunTrigger): Promise<VerificationRunRecord> {
    const runId = randomUUID();
    const startedAt = new Date();
    const started = performance.now();
    await this.system((tx) => tx.query(`insert into isolation_runs (id, trigger, requested_by, status, started_at) values ($1, $2, $3, 'running', $4)`, [runId, trigger, principal.subject, startedAt]));
    try {
      const context = await this.context(runId, startedAt);
      await this.auditProbedInstitutions(principal, trigger, context);
      const results: CheckResult[] = [];
      for (const check of this.checks) results.push(await runCheck(check, context));
      await this.cleanUp(context);
      const finishedAt = new Date();
      const durationMs = Math.round(performance.now() - started);
      const [environment]: Record<string, unknown>[] = await this.system((tx) => tx.query(`select current_database() as database, current_user as "appRole", current_setting('server_version') as "postgresVersion"`));
      const { report: json, status, tally: counts } = assembleReport({
        runId, trigger, requestedBy: principal, startedAt, finishedAt, durationMs, environment,
        policy: context.policy, institutions: context.institutions, treeHead: context.treeHead ?? null, results,
      });
      const signature = signReport(json, this.keys.signingKey, this.keys.keyId, this.keys.publicKeyPem);
      const alerts = alertsFor(results);
      await this.system(async (tx) => {
        await tx.query(
          `update isolation_runs set status = $2, finished_at = $3, summary = $4, report = $5, report_sha256 = $6, signature = $7, signing_key_id = $8, tree_head = $9 where id = $1`,
          [runId, status, finishedAt, JSON.stringify({ ...counts, durationMs }), JSON.stringify(json), signature.sha256, signature.value, signature.keyId, context.treeHead ? JSON.stringify(context.treeHead) : null],
        );
        for (const result of results) {
          await tx.query(
            `insert into isolation_check_results (run_id, check_id, title, concern, status, summary, evidence, duration_ms) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [runId, result.id, result.title, result.concern, result.status, result.summary, JSON.stringify(result.evidence), result.durationMs],
          );
        }
        for (const alert of alerts) {
          await tx.query(`insert into isolation_alerts (run_id, check_id, concern, summary) values ($1, $2, $3, $4)`, [runId, alert.checkId, alert.concern, alert.summary]);
        }
        await this.audit.record(
          {
            action: 'isolation.verification.run',
            resourceType: 'isolation-run',
            resourceId: runId,
            outcome: 'success',
            details: { trigger, status, ...counts, durationMs, reportSha256: signature.sha256, failed: alerts.map((alert) => alert.checkId) },
          },
          tx,
        );
      });
      if (alerts.length) this.logger.warn(`verification run ${runId}: ${alerts.length} checks failed (${alerts.map((alert) => alert.checkId).join(', ')})`);
      return this.getRun(SYSTEM_PRINCIPAL, runId);
    } catch (error) {
      await this.system((tx) => tx.query(`update isolation_runs set status = 'error', finished_at = now(), summary = $2 where id = $1`, [runId, JSON.stringify({ error: (error as Error).message })])).catch(() => undefined);
      throw error;
    }
  }

  private async context(runId: string, now: Date): Promise<RunContext> {
    return this.system(async (tx) => {
      const institutions: RunInstitution[] = await tx.query(`select id, slug, status, data_classification_ceiling as ceiling from institutions where status <> 'offboarded' order by slug`);
      const tables: { table: string }[] = await tx.query(`
        select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`);
      const policyRows: { document: unknown }[] = await tx.query('select document from data_policy_versions where policy_id = $1 order by version desc limit 1', [DEFAULT_POLICY.policyId]);
      let policy: PolicyDocument = DEFAULT_POLICY;
      if (policyRows.length) {
        const validation = validatePolicyDocument(policyRows[0].document);
        if (validation.ok) policy = validation.policy;
      }
      const previous: { tree_head: unknown }[] = await tx.query(`select tree_head from isolation_runs where tree_head is not null and id <> $1 order by started_at desc limit 1`, [runId]);
      let previousTreeHead: SignedTreeHead | null = null;
      try {
        previousTreeHead = previous.length ? parseSignedTreeHead(previous[0].tree_head) : null;
      } catch {
        previousTreeHead = null;
      }
      // Configured secrets only; the demo realm's `<slug>-demo-secret` only in the demo profile.
      const secretOf = (slug: string) => serviceAccountSecret(this.config, slug);
      return {
        runId,
        now,
        db: this.db,
        dataSource: this.dataSource,
        institutions,
        tenantTables: tables.map((row) => row.table),
        policy,
        cipher: this.cipher,
        keys: this.keys,
        previousTreeHead,
        marker: `isolation-canary-${randomBytes(8).toString('hex')}`,
        controlPlaneUrl: this.controlPlaneUrl,
        gatewayUrl: this.config.GATEWAY_URL,
        keycloak: { url: this.config.KEYCLOAK_URL, realm: this.config.KEYCLOAK_REALM, serviceSecret: secretOf },
        asTenant: (tenantId, work) => this.tenant(tenantId, work),
        asSystem: (work) => this.system(work),
      };
    });
  }

  /**
   * One `isolation.verification.probe` event per institution the run probes, in that institution
   * (its admins see who probed it, when, and with what), written before any probe: the run's canary
   * rows, probe API keys and service-account logins then never happen unrecorded.
   */
  private async auditProbedInstitutions(principal: Principal, trigger: RunTrigger, context: RunContext): Promise<void> {
    const probes = this.checks.filter((check) => check.id.startsWith('probe.')).map((check) => check.id);
    const outer = RequestContext.current();
    for (const institution of context.institutions) {
      await RequestContext.run(
        { requestId: outer?.requestId ?? 'isolation-run', sourceAddress: outer?.sourceAddress, principal, tenantScope: { kind: 'tenant', tenantId: institution.id } },
        () =>
          this.db.transaction((tx) =>
            this.audit.record(
              {
                tenantId: institution.id,
                action: 'isolation.verification.probe',
                resourceType: 'institution',
                resourceId: institution.id,
                outcome: 'success',
                details: { runId: context.runId, trigger, requestedBy: principal.subject, probes },
              },
              tx,
            ),
          ),
      );
    }
  }

  /** Removes this run's canaries (each in its own institution's scope: nobody else can see them). */
  private async cleanUp(context: RunContext): Promise<void> {
    for (const institution of context.institutions) {
      await this.tenant(institution.id, (tx) => tx.query('delete from isolation_canaries where tenant_id = $1', [institution.id])).catch(() => undefined);
    }
  }

  private read<T>(principal: Principal, reason: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const scope = principal === SYSTEM_PRINCIPAL ? SYSTEM_SCOPE : readScopeFor(principal, RequestContext.current()?.tenantScope, reason);
    return RequestContext.withTenantScope(scope, () => this.db.transaction(work));
  }

  list(principal: Principal, size: number, after?: unknown[]): Promise<{ rows: VerificationRunRecord[]; size: number }> {
    return this.read(principal, 'list isolation verification runs', async (tx) => {
      const rows = after
        ? await tx.query(`select * from isolation_runs where (started_at, id) < ($1::timestamptz, $2::uuid) order by started_at desc, id desc limit $3`, [after[0], after[1], size + 1])
        : await tx.query(`select * from isolation_runs order by started_at desc, id desc limit $1`, [size + 1]);
      return { rows: rows.map(toRun), size };
    });
  }

  getRun(principal: Principal, id: string): Promise<VerificationRunRecord> {
    runIdOrRefuse(id);
    return this.read(principal, `read isolation run ${id}`, async (tx) => {
      const rows = await tx.query('select * from isolation_runs where id = $1', [id]);
      if (!rows.length) throw new IsolationError('RUN_NOT_FOUND', `No verification run ${id}`, { id });
      return toRun(rows[0]);
    });
  }

  checkResults(principal: Principal, runId: string): Promise<Record<string, any>[]> {
    return this.read(principal, `read isolation run ${runId} checks`, (tx) =>
      tx.query(`select check_id as id, title, concern, status, summary, evidence, duration_ms as "durationMs" from isolation_check_results where run_id = $1 order by check_id`, [runId]),
    );
  }

  /** The stored report and its signature, as a supervisor downloads it. */
  signedReport(principal: Principal, id: string): Promise<SignedReport> {
    runIdOrRefuse(id);
    return this.read(principal, `download isolation report ${id}`, async (tx) => {
      const rows: { report: Record<string, unknown> | null; report_sha256: string; signature: string; signing_key_id: string }[] = await tx.query(
        'select report, report_sha256, signature, signing_key_id from isolation_runs where id = $1',
        [id],
      );
      if (!rows.length || !rows[0].report) throw new IsolationError('RUN_NOT_FOUND', `No finished verification run ${id}`, { id });
      const row = rows[0];
      return {
        report: row.report!,
        signature: storedReportSignature({ keyId: row.signing_key_id, sha256: row.report_sha256, value: row.signature }, (keyId) => this.keys.publicKeyById(keyId)),
      };
    });
  }

  alerts(principal: Principal, open: boolean | undefined, size: number): Promise<AlertRecord[]> {
    return this.read(principal, 'list isolation alerts', async (tx) => {
      const rows: Record<string, any>[] = await tx.query(
        `select * from isolation_alerts where ($1::boolean is null or (acknowledged_at is null) = $1) order by raised_at desc, id desc limit $2`,
        [open ?? null, size],
      );
      return rows.map((row) => ({ id: row.id, runId: row.run_id, checkId: row.check_id, concern: row.concern, summary: row.summary, raisedAt: row.raised_at, acknowledgedAt: row.acknowledged_at }));
    });
  }

  acknowledgeAlert(principal: Principal, id: string): Promise<AlertRecord> {
    return RequestContext.withTenantScope(adminScopeFor(principal, `acknowledge isolation alert ${id}`), () =>
      this.db.transaction(async (tx) => {
        // TypeORM answers an UPDATE … RETURNING with [rows, affected count], not the rows alone.
        const [rows] = (await tx.query(
          `update isolation_alerts set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) where id = $1 returning *`,
          [id, principal.subject],
        )) as [Record<string, any>[], number];
        if (!rows.length) throw new IsolationError('ALERT_NOT_FOUND', `No isolation alert ${id}`, { id });
        await this.audit.record({ action: 'isolation.alert.acknowledge', resourceType: 'isolation-alert', resourceId: id, outcome: 'success', details: { checkId: rows[0].check_id } }, tx);
        const row = rows[0];
        return { id: row.id, runId: row.run_id, checkId: row.check_id, concern: row.concern, summary: row.summary, raisedAt: row.raised_at, acknowledgedAt: row.acknowledged_at };
      }),
    );
  }

  static mayStart(principal: Principal): boolean {
    return hasAnyRole(principal, ['platform-admin', 'regulator']);
  }
}

/** Run ids are UUIDs; the REST download takes one from its path (GraphQL checks its own at the edge). */
function runIdOrRefuse(id: string): void {
  if (!isUuid(id)) throw new IsolationError('INVALID_ID', 'Not a verification run id (a UUID)');
}
