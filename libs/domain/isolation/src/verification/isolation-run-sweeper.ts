import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink } from '@ai-commons/core';
import { isAdvisoryLockHeld, PeriodicPass, TenantScopes } from '@ai-commons/database';
import type { EntityManager } from 'typeorm';
import { interruptedSummary, runLockKey, type InterruptedSummary } from './run-ownership';

/** A run the sweep closed. */
export interface InterruptedRun {
  id: string;
  owner: string | null;
}

/**
 * Closes the isolation runs whose control plane is gone. Every control plane sweeps every
 * ISOLATION_RUN_SWEEP_MS (once at start too): a run still `running` whose advisory lock no session
 * holds (runLockKey; the executing replica holds it for the run's duration) becomes `error` with
 * the RUN_INTERRUPTED reason, audited `isolation.run-interrupted`. Sweeps on several replicas at once
 * are harmless: the update takes only rows still `running`, so each run is closed, and audited, once.
 */
@Injectable()
export class IsolationRunSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IsolationRunSweeper');
  private pass?: PeriodicPass;

  constructor(
    private readonly scopes: TenantScopes,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  onApplicationBootstrap(): void {
    this.pass = new PeriodicPass(this.config.ISOLATION_RUN_SWEEP_MS, () =>
      this.sweep().then(
        () => undefined,
        (error: unknown) => this.logger.warn(`isolation run sweep failed: ${(error as Error).message}`),
      ),
    );
    this.pass.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pass?.stop();
  }

  /** One sweep; answers the runs it closed. */
  sweep(): Promise<InterruptedRun[]> {
    return this.scopes.runAsSystem('isolation-run-sweep', 'close interrupted isolation runs', async (tx) => {
      const running: InterruptedRun[] = await tx.query(`select id, owner from isolation_runs where status = 'running' order by started_at`);
      const closed: InterruptedRun[] = [];
      for (const run of running) {
        // The run's owner takes the lock before inserting the row and releases it after its last
        // update: 'running' without the lock means the owner is gone, or the run just finished —
        // and then the update below finds it no longer 'running'.
        if (await isAdvisoryLockHeld((text, parameters) => tx.query(text, parameters), runLockKey(run.id))) continue;
        if (!(await closeInterruptedRun(tx, this.audit, run, interruptedSummary(run.owner)))) continue;
        this.logger.warn(`verification run ${run.id} (owner ${run.owner ?? 'unknown'}) interrupted: its lock session ended; closed as error`);
        closed.push(run);
      }
      return closed;
    });
  }
}

/**
 * Closes a run as interrupted, audited `isolation.run-interrupted`, if it is still running; false if
 * it was not (finished meanwhile, or closed by another replica). In the caller's system-scope transaction.
 */
export async function closeInterruptedRun(tx: EntityManager, audit: AuditSink, run: InterruptedRun, summary: InterruptedSummary): Promise<boolean> {
  const [rows] = (await tx.query(
    `update isolation_runs set status = 'error', finished_at = now(), summary = $2 where id = $1 and status = 'running' returning id`,
    [run.id, JSON.stringify(summary)],
  )) as [{ id: string }[], number];
  if (!rows.length) return false;
  await audit.record(
    {
      action: AUDIT_ACTIONS.isolationRunInterrupted,
      resourceType: 'isolation-run',
      resourceId: run.id,
      outcome: 'success',
      details: { code: summary.code, owner: run.owner, reason: summary.error },
    },
    tx,
  );
  return true;
}
