import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An isolation run interrupted with its control plane is closed, not left `running` for good.
 *
 * - `isolation_runs.owner`: the host and process executing the run (`host:pid`), for operators; the
 *   replica holds the run's advisory lock for the run's duration, and every control plane's sweep
 *   closes a `running` run whose lock nobody holds as `error` (RUN_INTERRUPTED). Runs from before
 *   this migration have no owner (null).
 * - `isolation_runs_running`: the sweep's question ("which runs are running?") reads only those.
 */
export class IsolationRunOwner1765930000000 implements MigrationInterface {
  name = 'IsolationRunOwner1765930000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      alter table isolation_runs add column owner text;
      create index isolation_runs_running on isolation_runs (started_at) where status = 'running';
    `);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      drop index isolation_runs_running;
      alter table isolation_runs drop column owner;
    `);
  }
}
