import type { CheckResult } from '../checks/check';

/** isolation_alerts.summary is bounded: a check's summary may list many offenders. */
export const ALERT_SUMMARY_MAX = 1000;

export interface DerivedAlert {
  checkId: string;
  concern: string;
  summary: string;
}

/** One alert per failed check, in run order; passes and warnings raise none. */
export function alertsFor(results: readonly CheckResult[]): DerivedAlert[] {
  return results
    .filter((result) => result.status === 'fail')
    .map((result) => ({ checkId: result.id, concern: result.concern, summary: result.summary.slice(0, ALERT_SUMMARY_MAX) }));
}
