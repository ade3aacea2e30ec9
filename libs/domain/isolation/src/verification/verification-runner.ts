import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AUDIT_SINK, RequestContext, SYSTEM_PRINCIPAL, type AuditSink, type Principal } from '@ai-commons/core';
import { HeldAdvisoryLock, TenantDatabase, TenantScopes } from '@ai-commons/database';
import { APP_CONFIG, serviceAccountSecret, type AppConfig } from '@ai-commons/config';
import { AuditKeys } from '@ai-commons/audit';
import { CREDENTIAL_CIPHER, type CredentialCipher } from '@ai-commons/catalog';
import { DEFAULT_POLICY, validatePolicyDocument, type PolicyDocument } from '@ai-commons/policy';
import { parseSignedTreeHead, type SignedTreeHead } from '@ai-commons/audit-proofs';
import { ALL_CHECKS, type CheckResult, type IsolationCheck, type RunContext, type RunInstitution } from '../checks';
import { runCheck } from '../checks/run-check';
import { IsolationError } from '../isolation-errors';
import { signReport } from '../report-signing';
import { alertsFor } from '../report/isolation-alerts';
import { assembleReport, type RunTrigger } from '../report/isolation-report';
import { closeInterruptedRun, type InterruptedRun } from './isolation-run-sweeper';
import { interruptedSummary, runLockKey, runOwner } from './run-ownership';
import { VerificationReadService } from './verification-read.service';
import type { VerificationRunView } from './verification-records';

const SYSTEM_REASON = 'data-isolation verification';

/**
 * Data-isolation verification: runs every check as the application's own database role (so the
 * report shows what that role can and cannot reach), signs the report with the audit signing key
 * (Ed25519 over RFC 8785 canonical JSON), stores it with its check results, raises an alert per
 * failed check and records the run in the audit log. For the run's whole duration this replica holds
 * the run's advisory lock on a session of its own: if the replica dies, the lock goes with it and any
 * control plane's sweep (IsolationRunSweeper) closes the run as interrupted.
 */
@Injectable()
export class VerificationRunner {
  private readonly logger = new Logger('IsolationVerification');
  private running?: Promise<unknown>;
  /** The run this replica executes, once recorded. */
  private current?: InterruptedRun;
  /** The control plane's own URL (known once it listens): the GraphQL probes' target. */
  controlPlaneUrl?: string;
  /** Overridable for tests: the checks a run executes. */
  checks: readonly IsolationCheck[] = ALL_CHECKS;

  constructor(
    private readonly db: TenantDatabase,
    private readonly scopes: TenantScopes,
    private readonly reads: VerificationReadService,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CREDENTIAL_CIPHER) private readonly cipher: CredentialCipher,
    private readonly keys: AuditKeys,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  /** Starts a run and waits for its report. Platform admins and regulators on demand; the scheduler as the system. */
  async run(principal: Principal, trigger: RunTrigger): Promise<VerificationRunView> {
    if (this.running) throw new IsolationError('RUN_IN_PROGRESS', 'A verification run is in progress; try again when it has finished');
    const work = this.execute(principal, trigger);
    this.running = work;
    try {
      return await work;
    } finally {
      this.running = undefined;
    }
  }

  /**
   * A control plane shutting down mid-run closes its run as interrupted itself, while the database is
   * still open (the work in flight then fails at its last write); without this, the run would wait for
   * another replica's sweep — or, with no replica left, for the next control plane to start. Called by
   * the control plane's close() before the app closes: Nest's own shutdown hooks come after the
   * GraphQL server has waited for its requests, one of which may be this very run.
   */
  async interruptForShutdown(): Promise<void> {
    const run = this.current;
    if (!run) return;
    const closed = await this.system((tx) => closeInterruptedRun(tx, this.audit, run, interruptedSummary(run.owner, 'shutdown'))).catch((error: unknown) => {
      this.logger.warn(`verification run ${run.id}: could not close it at shutdown (${(error as Error).message}); the sweep will`);
      return false;
    });
    if (closed) this.logger.warn(`verification run ${run.id} interrupted by shutdown; closed as error`);
  }

  private system<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.scopes.runAsSystem(RequestContext.current()?.requestId ?? 'isolation-run', SYSTEM_REASON, work);
  }

  private tenant<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return RequestContext.run({ requestId: 'isolation-probe', principal: SYSTEM_PRINCIPAL }, () => this.scopes.in({ kind: 'tenant', tenantId }, work));
  }

  private async execute(principal: Principal, trigger: RunTrigger): Promise<VerificationRunView> {
    const runId = randomUUID();
    const owner = runOwner(hostname(), process.pid);
    // Taken before the row exists and released after its last write: a sweep never sees the run
    // 'running' without its lock while this replica is alive.
    const lock = await HeldAdvisoryLock.acquire({
      connectionString: this.config.DATABASE_APP_URL,
      key: runLockKey(runId),
      applicationName: `ai-commons-isolation-run-${process.pid}`,
      keepAliveMs: this.config.LEADERSHIP_CHECK_MS,
      onLost: (error) => this.logger.warn(`verification run ${runId}: lost its lock session (${error.message}); the sweep will close it as interrupted`),
    });
    try {
      return await this.executeOwned(principal, trigger, runId, owner);
    } finally {
      this.current = undefined;
      await lock.release();
    }
  }

  private async executeOwned(principal: Principal, trigger: RunTrigger, runId: string, owner: string): Promise<VerificationRunView> {
    const startedAt = new Date();
    const started = performance.now();
    await this.system((tx) =>
      tx.query(`insert into isolation_runs (id, trigger, requested_by, status, started_at, owner) values ($1, $2, $3, 'running', $4, $5)`, [
        runId,
        trigger,
        principal.subject,
        startedAt,
        owner,
      ]),
    );
    this.current = { id: runId, owner };
    try {
      const context = await this.context(runId, startedAt);
      await this.auditProbedInstitutions(principal, trigger, context);
      const results: CheckResult[] = [];
      for (const check of this.checks) results.push(await runCheck(check, context));
      await this.cleanUp(context);
      const finishedAt = new Date();
      const durationMs = Math.round(performance.now() - started);
      const [environment]: Record<string, unknown>[] = await this.system((tx) =>
        tx.query(`select current_database() as database, current_user as "appRole", current_setting('server_version') as "postgresVersion"`),
      );
      const {
        report: json,
        status,
        tally: counts,
      } = assembleReport({
        runId,
        trigger,
        requestedBy: principal,
        startedAt,
        finishedAt,
        durationMs,
        environment,
        policy: context.policy,
        institutions: context.institutions,
        treeHead: context.treeHead ?? null,
        results,
      });
      const signature = signReport(json, this.keys.signingKey, this.keys.keyId, this.keys.publicKeyPem);
      const alerts = alertsFor(results);
      await this.system(async (tx) => {
        // Only while still running: a run whose lock session was lost may already be closed as interrupted.
        const [closed] = (await tx.query(
          `update isolation_runs set status = $2, finished_at = $3, summary = $4, report = $5, report_sha256 = $6, signature = $7, signing_key_id = $8, tree_head = $9
            where id = $1 and status = 'running' returning id`,
          [
            runId,
            status,
            finishedAt,
            JSON.stringify({ ...counts, durationMs }),
            JSON.stringify(json),
            signature.sha256,
            signature.value,
            signature.keyId,
            context.treeHead ? JSON.stringify(context.treeHead) : null,
          ],
        )) as [{ id: string }[], number];
        if (!closed.length) throw new IsolationError('RUN_INTERRUPTED', `Verification run ${runId} was closed as interrupted before it finished`, { runId });
        for (const result of results) {
          await tx.query(
            `insert into isolation_check_results (run_id, check_id, title, concern, status, summary, evidence, duration_ms) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [runId, result.id, result.title, result.concern, result.status, result.summary, JSON.stringify(result.evidence), result.durationMs],
          );
        }
        for (const alert of alerts) {
          await tx.query(`insert into isolation_alerts (run_id, check_id, concern, summary) values ($1, $2, $3, $4)`, [
            runId,
            alert.checkId,
            alert.concern,
            alert.summary,
          ]);
        }
        await this.audit.record(
          {
            action: AUDIT_ACTIONS.isolationVerificationRun,
            resourceType: 'isolation-run',
            resourceId: runId,
            outcome: 'success',
            details: { trigger, status, ...counts, durationMs, reportSha256: signature.sha256, failed: alerts.map((alert) => alert.checkId) },
          },
          tx,
        );
      });
      if (alerts.length) this.logger.warn(`verification run ${runId}: ${alerts.length} checks failed (${alerts.map((alert) => alert.checkId).join(', ')})`);
      return this.reads.getRun(SYSTEM_PRINCIPAL, runId);
    } catch (error) {
      // The message stays in the log: the API shows a generic reason for it (runErrorOf).
      this.logger.error(`verification run ${runId} failed: ${(error as Error).message}`);
      await this.system((tx) =>
        tx.query(`update isolation_runs set status = 'error', finished_at = now(), summary = $2 where id = $1 and status = 'running'`, [
          runId,
          JSON.stringify({ error: (error as Error).message }),
        ]),
      ).catch(() => undefined);
      throw error;
    }
  }

  private async context(runId: string, now: Date): Promise<RunContext> {
    return this.system(async (tx) => {
      const institutions: RunInstitution[] = await tx.query(
        `select id, slug, status, data_classification_ceiling as ceiling from institutions where status <> 'offboarded' order by slug`,
      );
      // Partitions (usage_records by month) are reached only through their parent, which is checked.
      const tables: { table: string }[] = await tx.query(`
        select c.relname as table from pg_class c join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`);
      const policyRows: { document: unknown }[] = await tx.query(
        'select document from data_policy_versions where policy_id = $1 order by version desc limit 1',
        [DEFAULT_POLICY.policyId],
      );
      let policy: PolicyDocument = DEFAULT_POLICY;
      if (policyRows.length) {
        const validation = validatePolicyDocument(policyRows[0].document);
        if (validation.ok) policy = validation.policy;
      }
      const previous: { tree_head: unknown }[] = await tx.query(
        `select tree_head from isolation_runs where tree_head is not null and id <> $1 order by started_at desc limit 1`,
        [runId],
      );
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
      await RequestContext.run({ requestId: outer?.requestId ?? 'isolation-run', sourceAddress: outer?.sourceAddress, principal }, () =>
        this.scopes.in({ kind: 'tenant', tenantId: institution.id }, (tx) =>
          this.audit.record(
            {
              tenantId: institution.id,
              action: AUDIT_ACTIONS.isolationVerificationProbe,
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
}
