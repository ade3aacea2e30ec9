import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { RequestContext } from '@ai-commons/core';
import type { TenantDatabase } from '@ai-commons/database';
import type { JsonLogger } from '@ai-commons/observability';
import type { EntityManager } from 'typeorm';

const SYSTEM_SCOPE = { kind: 'cross-tenant', access: 'system', reason: 'gateway instance heartbeat' } as const;

/**
 * This gateway process as usage recovery sees it: a row in `gateway_instances`, registered at
 * start, renewed by a heartbeat (with `durable_before`: every call admitted before it has its usage
 * record written), marked stopped after a clean shutdown. An instance whose heartbeat stops is
 * dead to recovery after GATEWAY_INSTANCE_DEAD_AFTER_MS; if this process was only cut off and sees
 * that it was recovered (`fenced`), it reports not ready: its later admissions would have nobody to
 * recover them, so it should be replaced.
 */
export class GatewayInstance {
  readonly id = randomUUID();
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private recoveredAt: Date | null = null;

  constructor(
    private readonly db: TenantDatabase,
    private readonly heartbeatMs: number,
    /** Admission time before which every call's usage record is written (UsageRecorder.durableBefore). */
    private readonly durableBefore: () => Date,
    private readonly logger: JsonLogger,
  ) {}

  /** Registers the instance before it serves: recovery must know it from its first admission on. */
  async register(): Promise<void> {
    await this.run((tx) => tx.query('insert into gateway_instances (id, host) values ($1, $2)', [this.id, `${hostname()}:${process.pid}`]));
    this.timer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.timer.unref();
  }

  /** Whether recovery has written this instance's outstanding usage (it was taken for dead). */
  get fenced(): boolean {
    return this.recoveredAt !== null;
  }

  /**
   * At shutdown, after the last usage flush. `clean`: every record was written, recovery has nothing
   * to do; otherwise the row is left to go stale, and recovery writes what is missing.
   */
  async stop(clean: boolean): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    if (!clean) return;
    await this.run((tx) =>
      tx.query('update gateway_instances set stopped_at = now(), last_seen_at = now(), durable_before = $2 where id = $1 and recovered_at is null', [
        this.id,
        this.durableBefore(),
      ]),
    ).catch((error: unknown) => this.logger.event('warn', 'gateway.instance_stop_unrecorded', { error: (error as Error).message }));
  }

  private beat(): Promise<void> {
    this.beating ??= this.run(async (tx) => {
      // TypeORM answers an UPDATE with [rows, rowCount].
      const [rows]: [{ recovered_at: Date | null }[], number] = await tx.query(
        'update gateway_instances set last_seen_at = now(), durable_before = $2 where id = $1 returning recovered_at',
        [this.id, this.durableBefore()],
      );
      const recoveredAt = rows[0]?.recovered_at ?? null;
      if (recoveredAt && !this.recoveredAt) this.logger.event('error', 'gateway.instance_recovered_while_alive', { instanceId: this.id });
      this.recoveredAt = recoveredAt;
    })
      .catch((error: unknown) => this.logger.event('warn', 'gateway.instance_heartbeat_failed', { error: (error as Error).message }))
      .finally(() => (this.beating = undefined));
    return this.beating;
  }

  private run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return RequestContext.run({ requestId: 'gateway-instance', tenantScope: SYSTEM_SCOPE }, () => this.db.transaction(work));
  }
}
