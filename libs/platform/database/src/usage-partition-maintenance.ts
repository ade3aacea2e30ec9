import { Client } from 'pg';
import { PeriodicPass, type LeaderJob, type LeadershipLog } from './leadership';

export interface UsagePartitionMaintenanceOptions {
  /** App-role URL: the work is done by two SECURITY DEFINER functions the app may execute. */
  connectionString: string;
  /** Run every this many ms while leader (the first run at once). */
  intervalMs: number;
  /** Monthly partitions created ahead of the current KST month. */
  aheadMonths: number;
  /** Whole partitions that ended more than this many months ago are dropped (the database refuses < 60). */
  retentionMonths: number;
  log?: LeadershipLog;
}

/**
 * The leader's upkeep of usage_records' monthly partitions: create the coming months, drop the
 * ones past retention. Both steps are idempotent, so a run repeated by a new leader is harmless.
 */
export class UsagePartitionMaintenance implements LeaderJob {
  private readonly log: LeadershipLog;
  private readonly periodic: PeriodicPass;

  constructor(private readonly options: UsagePartitionMaintenanceOptions) {
    this.log = options.log ?? (() => undefined);
    this.periodic = new PeriodicPass(options.intervalMs, () =>
      this.runOnce().then(
        ({ created, dropped }) => {
          if (created || dropped.length) this.log('info', 'usage-partitions.maintained', { created, dropped });
        },
        (error: unknown) => this.log('error', 'usage-partitions.failed', { error: (error as Error).message }),
      ),
    );
  }

  start(): void {
    this.periodic.start();
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass: partitions created ahead (count) and dropped (names). */
  async runOnce(): Promise<{ created: number; dropped: string[] }> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: 'ai-commons-usage-partitions', statement_timeout: 60_000 });
    await client.connect();
    try {
      const created = await client.query<{ created: number }>('select usage_records_ensure_partitions($1) as created', [this.options.aheadMonths]);
      const dropped = await client.query<{ dropped: string[] }>('select usage_records_drop_partitions_older_than($1) as dropped', [
        this.options.retentionMonths,
      ]);
      return { created: created.rows[0]!.created, dropped: dropped.rows[0]!.dropped };
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
