import type { Registry } from 'prom-client';
import { cachedReader, gaugeFrom } from '@ai-commons/observability';
import type { TenantScopes } from '@ai-commons/database';
import { ALL_CHECKS } from '../checks';

/** Runs looked at for each check's latest result: a bounded read however long the history. */
const RECENT_RUNS = 20;
const ISOLATION_TTL_MS = 30_000;
const CHECK_STATUSES = ['pass', 'warning', 'fail'] as const;
const RUN_STATUSES = ['passed', 'warning', 'failed', 'error'] as const;

interface IsolationStanding {
  run?: { status: string; finishedAt: number };
  checks: { checkId: string; status: string; finishedAt: number }[];
}

/**
 * The isolation verification's latest outcome, per run and per check: when it last ran and what
 * it found (a state set: the current status is 1, the others 0). Read from the stored runs at
 * scrape time, cached; check labels are the checks this build knows (ALL_CHECKS), never a stored string.
 */
export function registerIsolationGauges(registry: Registry, scopes: TenantScopes): void {
  const known = new Set(ALL_CHECKS.map((check) => check.id));
  const standing = cachedReader<IsolationStanding | undefined>(
    ISOLATION_TTL_MS,
    () =>
      scopes.system('isolation metrics', async (tx) => {
        const runs = (await tx.query(
          `select id, status, extract(epoch from finished_at)::float8 as finished_at from isolation_runs
            where finished_at is not null order by started_at desc, id desc limit $1`,
          [RECENT_RUNS],
        )) as { id: string; status: string; finished_at: number }[];
        if (!runs.length) return { checks: [] };
        const results = (await tx.query(`select run_id, check_id, status from isolation_check_results where run_id = any($1::uuid[])`, [
          runs.map((run) => run.id),
        ])) as { run_id: string; check_id: string; status: string }[];
        // Latest first: the first result seen for a check is its latest.
        const order = new Map(runs.map((run, index) => [run.id, index]));
        results.sort((a, b) => order.get(a.run_id)! - order.get(b.run_id)!);
        const checks = new Map<string, { checkId: string; status: string; finishedAt: number }>();
        for (const result of results) {
          if (known.has(result.check_id) && !checks.has(result.check_id))
            checks.set(result.check_id, { checkId: result.check_id, status: result.status, finishedAt: runs[order.get(result.run_id)!].finished_at });
        }
        return { run: { status: runs[0].status, finishedAt: runs[0].finished_at }, checks: [...checks.values()] };
      }),
    undefined,
  );
  gaugeFrom(registry, 'ai_commons_isolation_last_run_timestamp_seconds', 'When the latest isolation verification finished (Unix time)', async () => {
    const run = (await standing())?.run;
    return run ? [{ labels: {}, value: run.finishedAt }] : [];
  });
  gaugeFrom(
    registry,
    'ai_commons_isolation_last_run_status',
    'Outcome of the latest isolation verification (1 for its status)',
    async () => {
      const run = (await standing())?.run;
      return run ? RUN_STATUSES.map((status) => ({ labels: { status }, value: run.status === status ? 1 : 0 })) : [];
    },
    ['status'],
  );
  gaugeFrom(
    registry,
    'ai_commons_isolation_check_last_run_timestamp_seconds',
    'When each isolation check last ran (Unix time)',
    async () => ((await standing())?.checks ?? []).map((check) => ({ labels: { check: check.checkId }, value: check.finishedAt })),
    ['check'],
  );
  gaugeFrom(
    registry,
    'ai_commons_isolation_check_status',
    'Latest result of each isolation check (1 for its status: pass, warning, fail)',
    async () =>
      ((await standing())?.checks ?? []).flatMap((check) =>
        CHECK_STATUSES.map((status) => ({ labels: { check: check.checkId, status }, value: check.status === status ? 1 : 0 })),
      ),
    ['check', 'status'],
  );
}
