import type { Principal } from '@ai-commons/core';
import type { SignedTreeHead } from '@ai-commons/audit-proofs';
import type { CheckResult, RunInstitution } from '../checks/check';
import { REPORT_FORMAT_VERSION, REPORT_PURPOSE } from '../report-signing';
import { reportStatusOf, tallyChecks, type CheckTally, type ReportStatus } from './check-tally';

export type RunTrigger = 'on-demand' | 'schedule';

/** Everything a finished run knows, as the report states it. */
export interface ReportInput {
  runId: string;
  trigger: RunTrigger;
  requestedBy: Principal;
  startedAt: Date;
  finishedAt: Date;
  durationMs: number;
  /** Database, app role and PostgreSQL version the checks ran against. */
  environment: Record<string, unknown>;
  policy: { policyId: string; version: number };
  institutions: readonly RunInstitution[];
  treeHead: SignedTreeHead | null;
  results: readonly CheckResult[];
}

export interface AssembledReport {
  /** Plain JSON data: exactly what is signed, stored and downloaded. */
  report: Record<string, unknown>;
  status: ReportStatus;
  tally: CheckTally;
}

/**
 * The report of a run (format `REPORT_FORMAT_VERSION`), read back as plain JSON so that the bytes
 * signed are the bytes a verifier recomputes from the stored or downloaded copy (no Dates, no
 * undefined members).
 */
export function assembleReport(input: ReportInput): AssembledReport {
  const tally = tallyChecks(input.results);
  const status = reportStatusOf(tally);
  const report = {
    purpose: REPORT_PURPOSE,
    formatVersion: REPORT_FORMAT_VERSION,
    runId: input.runId,
    trigger: input.trigger,
    requestedBy: { subject: input.requestedBy.subject, username: input.requestedBy.username ?? null, roles: input.requestedBy.roles },
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.durationMs,
    status,
    summary: { ...tally, checks: input.results.length },
    environment: input.environment,
    policy: { policyId: input.policy.policyId, version: input.policy.version },
    institutions: input.institutions.map(({ id, slug, status: institutionStatus, ceiling }) => ({ id, slug, status: institutionStatus, ceiling })),
    treeHead: input.treeHead,
    checks: input.results,
  };
  return { report: JSON.parse(JSON.stringify(report)) as Record<string, unknown>, status, tally };
}
