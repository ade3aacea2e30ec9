import type { DownloadedReportSignature } from '../report-signing';
import type { ReportStatus } from '../report/check-tally';
import type { RunTrigger } from '../report/isolation-report';
import { runErrorOf } from './run-ownership';

export type { RunTrigger } from '../report/isolation-report';
export type RunStatus = 'running' | ReportStatus | 'error';

export interface RunSummary {
  pass: number;
  fail: number;
  warning: number;
  durationMs: number;
}

export interface VerificationRunRecord {
  id: string;
  trigger: RunTrigger;
  requestedBy: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** Null while running; a failed run stores `{ error }` instead of counts, shown as null. */
  summary: RunSummary | null;
  /** Why the run ended in error (status `error`), e.g. interrupted when its control plane died; null otherwise. */
  error: string | null;
  reportSha256: string | null;
  signingKeyId: string | null;
}

export interface CheckResultRecord {
  id: string;
  title: string;
  concern: string;
  status: string;
  summary: string;
  /** Machine-readable evidence as JSON text. */
  evidenceJson: string;
  durationMs: number;
}

/** A run with its checks' results, as the API shows it. */
export interface VerificationRunView extends VerificationRunRecord {
  checks: CheckResultRecord[];
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

/** A row of `isolation_runs` (the columns the read side selects). */
export interface IsolationRunRow {
  id: string;
  trigger: RunTrigger;
  requested_by: string;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  summary: RunSummary | { error: string; code?: string } | null;
  report_sha256: string | null;
  signing_key_id: string | null;
}

/** A row of `isolation_check_results`, renamed as selected. */
export interface CheckResultRow {
  id: string;
  title: string;
  concern: string;
  status: string;
  summary: string;
  evidence: unknown;
  durationMs: number;
}

/** A row of `isolation_alerts`. */
export interface IsolationAlertRow {
  id: string;
  run_id: string;
  check_id: string;
  concern: string;
  summary: string;
  raised_at: Date;
  acknowledged_at: Date | null;
}

export function toRun(row: IsolationRunRow): VerificationRunRecord {
  return {
    id: row.id,
    trigger: row.trigger,
    requestedBy: row.requested_by,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: row.summary && 'pass' in row.summary ? row.summary : null,
    error: runErrorOf(row.status, row.summary),
    reportSha256: row.report_sha256,
    signingKeyId: row.signing_key_id,
  };
}

export function toCheckResult(row: CheckResultRow): CheckResultRecord {
  return {
    id: row.id,
    title: row.title,
    concern: row.concern,
    status: row.status,
    summary: row.summary,
    evidenceJson: JSON.stringify(row.evidence),
    durationMs: row.durationMs,
  };
}

export function toAlert(row: IsolationAlertRow): AlertRecord {
  return {
    id: row.id,
    runId: row.run_id,
    checkId: row.check_id,
    concern: row.concern,
    summary: row.summary,
    raisedAt: row.raised_at,
    acknowledgedAt: row.acknowledged_at,
  };
}
