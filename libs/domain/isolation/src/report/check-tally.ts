import type { CheckStatus } from '../checks/check';

export type CheckTally = Record<CheckStatus, number>;
/** A finished run's verdict: any failed check fails it; otherwise any warning makes it a warning. */
export type ReportStatus = 'passed' | 'failed' | 'warning';

export function tallyChecks(results: readonly { status: CheckStatus }[]): CheckTally {
  const tally: CheckTally = { pass: 0, fail: 0, warning: 0 };
  for (const result of results) tally[result.status]++;
  return tally;
}

export function reportStatusOf(tally: CheckTally): ReportStatus {
  return tally.fail ? 'failed' : tally.warning ? 'warning' : 'passed';
}
