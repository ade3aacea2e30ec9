import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ControlPlane } from '@ai-commons/control-plane-server';
import { HeldAdvisoryLock } from '@ai-commons/database';
import { runLockKey } from '@ai-commons/isolation';
import { createTestDatabase, dropTestDatabase, graphqlRequest, userToken, withPg, type TestDatabase } from '@ai-commons/testing';
import { e2eDatabase, eventuallyValue } from './support/environment';
import { startControlPlaneOn, startControlPlaneProcess, type GatewayProcess } from './support/audit-support';

/** The control planes' ISOLATION_RUN_SWEEP_MS here. */
const SWEEP_MS = 200;
/** Stated bound from the owner's end to the run's closing: a sweep interval, plus the sweep itself and polling, on a shared machine. */
const CLOSE_BOUND_MS = SWEEP_MS + 2_000;

/**
 * An isolation run whose control plane is gone (its advisory-lock session ended) is closed as
 * interrupted by the sweep of any control plane; a live one never is. Own database: a real run
 * and rows planted as a dead replica would leave them.
 */
describe('isolation runs interrupted with their control plane are closed by the sweep (real PostgreSQL)', () => {
  let database: TestDatabase;
  let controlPlane: ControlPlane;
  let adminToken: string;
  const children: GatewayProcess[] = [];

  const sql = <T = Record<string, any>>(text: string, params: unknown[] = []) =>
    withPg(database.superuserUrl, async (pg) => (await pg.query(text, params)).rows as T[]);
  const statusOf = async (id: string) => (await sql<{ status: string }>('select status from isolation_runs where id = $1', [id]))[0]?.status;
  /** A run row as a replica writes it at its start (the lock is taken by the caller). */
  const plantRunningRun = (id: string, owner: string) =>
    sql(`insert into isolation_runs (id, trigger, requested_by, status, started_at, owner) values ($1, 'schedule', 'system', 'running', now(), $2)`, [
      id,
      owner,
    ]);
  const holdRunLock = (id: string, onLost?: (error: Error) => void) =>
    HeldAdvisoryLock.acquire({ connectionString: database.appUrl, key: runLockKey(id), applicationName: `e2e-run-owner`, keepAliveMs: 1_000, onLost });

  beforeAll(async () => {
    database = await createTestDatabase(e2eDatabase().adminUrl, `ai_commons_run_reaping_${process.pid}`);
    controlPlane = await startControlPlaneOn(database, { ISOLATION_SCHEDULE_MS: '0', ISOLATION_RUN_SWEEP_MS: String(SWEEP_MS) });
    adminToken = await userToken('platform-admin');
  }, 120_000);
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await controlPlane?.close();
    await dropTestDatabase(e2eDatabase().adminUrl, database.name);
  });

  it('never closes a run whose lock is held; closes it as RUN_INTERRUPTED, audited once, within a sweep of its session ending', async () => {
    const id = randomUUID();
    const lost: Error[] = [];
    const lock = await holdRunLock(id, (error) => lost.push(error));
    try {
      await plantRunningRun(id, 'cp-e2e:1');
      await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 10)); // ten sweeps
      expect(await statusOf(id)).toBe('running');

      // The server ends the owner's session, as when its replica is cut off or killed.
      const [{ n }] = await sql<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where application_name = 'e2e-run-owner' and datname = current_database()`,
      );
      expect(n).toBe(1);
      const endedAt = Date.now();
      await eventuallyValue(async () => (await statusOf(id)) === 'error', CLOSE_BOUND_MS, 'the run closed');
      const closedAfterMs = Date.now() - endedAt;
      process.stdout.write(`owner session ended: run closed as interrupted after ${closedAfterMs} ms (sweep ${SWEEP_MS} ms)\n`);
      expect(lost).toHaveLength(1);
      expect(lock.lost).toBeDefined();
    } finally {
      await lock.release();
    }

    const [row] = await sql<{ finished_at: Date | null; summary: { code: string; error: string } }>(
      'select finished_at, summary from isolation_runs where id = $1',
      [id],
    );
    expect(row!.finished_at).not.toBeNull();
    expect(row!.summary.code).toBe('RUN_INTERRUPTED');
    expect(row!.summary.error).toMatch(/^interrupted: .*cp-e2e:1/);
    // Several sweeps later, still one audit event (each run is closed once).
    await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 3));
    const events = await sql<{ outcome: string; details: Record<string, unknown> }>(
      `select outcome, details from audit_events where action = 'isolation.run-interrupted' and resource_id = $1`,
      [id],
    );
    expect(events).toEqual([{ outcome: 'success', details: { code: 'RUN_INTERRUPTED', owner: 'cp-e2e:1', reason: row!.summary.error } }]);

    // The API says why: the run's error, and the list no longer shows a run in progress.
    const response = await graphqlRequest<{ isolationRun: { status: string; error: string | null; summary: unknown } }>(
      controlPlane.url,
      `query ($id: ID!) { isolationRun(id: $id) { status error summary { pass } } }`,
      { token: adminToken, variables: { id } },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data!.isolationRun).toEqual({ status: 'error', error: row!.summary.error, summary: null });
  });

  it('leaves a real run alone while it runs (many sweeps), and shows no error for it', async () => {
    const response = await graphqlRequest<{ startIsolationVerification: { id: string; status: string; error: string | null } }>(
      controlPlane.url,
      'mutation { startIsolationVerification { id status error } }',
      { token: adminToken },
    );
    expect(response.errors).toBeUndefined();
    const run = response.data!.startIsolationVerification;
    expect(['passed', 'warning']).toContain(run.status);
    expect(run.error).toBeNull();
    const [row] = await sql<{ owner: string; started_at: Date; finished_at: Date }>('select owner, started_at, finished_at from isolation_runs where id = $1', [
      run.id,
    ]);
    // In process: this process is the owner.
    expect(row!.owner).toBe(`${hostname()}:${process.pid}`);
    process.stdout.write(`a real run took ${row!.finished_at.getTime() - row!.started_at.getTime()} ms, sweeps every ${SWEEP_MS} ms\n`);
    expect(await sql(`select 1 from audit_events where action = 'isolation.run-interrupted' and resource_id = $1`, [run.id])).toEqual([]);
  }, 120_000);

  /**
   * Starts a run on a control plane process and holds it mid-way (the run reads the policy in force
   * after it has recorded itself 'running'; that table stays locked), then hands it to `work`.
   */
  async function withRunHeldMidway(child: GatewayProcess, work: (runId: string) => Promise<void>): Promise<void> {
    await withPg(database.superuserUrl, async (blocker) => {
      await blocker.query('begin');
      await blocker.query('lock table data_policy_versions in access exclusive mode');
      try {
        const started = graphqlRequest(child.url, 'mutation { startIsolationVerification { id } }', { token: adminToken }).catch((error: Error) => error);
        const [run] = await eventuallyValue(
          async () => {
            const rows = await sql<{ id: string }>(`select id from isolation_runs where status = 'running' and owner = $1`, [
              `${hostname()}:${child.process.pid}`,
            ]);
            return rows.length ? rows : undefined;
          },
          30_000,
          "the child's run started",
        );
        // Several sweeps while the child lives: its run stays open.
        await new Promise((resolve) => setTimeout(resolve, SWEEP_MS * 5));
        expect(await statusOf(run!.id)).toBe('running');
        await work(run!.id);
        void started;
      } finally {
        await blocker.query('rollback');
      }
    });
  }
  const reasonOf = async (id: string) =>
    (await sql<{ code: string; error: string }>(`select summary->>'code' as code, summary->>'error' as error from isolation_runs where id = $1`, [id]))[0]!;

  it(`closes, within ${CLOSE_BOUND_MS} ms, the run of a control plane process killed (SIGKILL) in the middle of it`, async () => {
    const child = await startControlPlaneProcess(database, { ISOLATION_RUN_SWEEP_MS: String(SWEEP_MS) });
    children.push(child);
    await withRunHeldMidway(child, async (runId) => {
      child.process.kill('SIGKILL');
      const killedAt = Date.now();
      expect(await child.exited).toBe('SIGKILL');
      await eventuallyValue(async () => (await statusOf(runId)) === 'error', CLOSE_BOUND_MS, 'the killed run closed');
      const closedAfterMs = Date.now() - killedAt;
      process.stdout.write(`control plane killed mid-run: its run closed as interrupted after ${closedAfterMs} ms (sweep ${SWEEP_MS} ms)\n`);
      expect(closedAfterMs).toBeLessThanOrEqual(CLOSE_BOUND_MS);
      const reason = await reasonOf(runId);
      expect(reason.code).toBe('RUN_INTERRUPTED');
      expect(reason.error).toContain('its database session ended');
    });
  }, 90_000);

  it('closes the run itself, as shut down, when its control plane stops (SIGTERM) in the middle of it', async () => {
    // No sweep of its own soon, and the other control plane's sweep cannot close a run whose owner still holds its lock.
    const child = await startControlPlaneProcess(database, { ISOLATION_RUN_SWEEP_MS: '3600000', SHUTDOWN_GRACE_MS: '3000' });
    children.push(child);
    await withRunHeldMidway(child, async (runId) => {
      child.process.kill('SIGTERM');
      await eventuallyValue(async () => (await statusOf(runId)) === 'error', 5_000, 'the stopped run closed');
      const reason = await reasonOf(runId);
      expect(reason.code).toBe('RUN_INTERRUPTED');
      expect(reason.error).toMatch(/^interrupted: .* shut down before the run finished/);
    });
    await child.exited;
    const events = await sql(`select 1 from audit_events where action = 'isolation.run-interrupted' and details->>'reason' like '%shut down%'`);
    expect(events).toHaveLength(1);
  }, 90_000);
});
