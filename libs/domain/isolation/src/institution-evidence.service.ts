/* eslint-disable @typescript-eslint/no-explicit-any -- rows of raw SQL, read field by field */
import { Injectable } from '@nestjs/common';
import { RequestContext, TenantAccessError, type Principal, type TenantScope } from '@ai-commons/core';
import { TenantDatabase } from '@ai-commons/database';
import { checksConcerning, type InstitutionCheck, type ReportInstitution } from './report/institution-evidence';

export const EVIDENCE_PURPOSE = 'ai-commons/isolation-evidence';

/** An institution's own isolation evidence: the latest signed report's checks that concern it. */
export interface InstitutionEvidence {
  institution: ReportInstitution;
  runId: string;
  status: string;
  startedAt: string;
  finishedAt: string;
  /** SHA-256 of the whole signed report (canonical JSON): the supervisor verifies that report and matches this. */
  reportSha256: string;
  signingKeyId: string;
  signature: string;
  checks: InstitutionCheck[];
}

/**
 * Tenant-scoped read of isolation reports. Runs and reports are platform rows (RLS lets only
 * cross-tenant scopes read them), so the read is the platform's own `system` scope, narrowed here to
 * the caller's institution before anything leaves: other institutions' checks and names never do.
 */
@Injectable()
export class InstitutionEvidenceService {
  constructor(private readonly db: TenantDatabase) {}

  /** null when no finished report names the caller's institution yet. */
  async latest(principal: Principal): Promise<InstitutionEvidence | null> {
    const current = RequestContext.current()?.tenantScope;
    if (current?.kind !== 'tenant') throw new TenantAccessError('TENANT_SCOPE_REQUIRED', 'The caller is not attached to an institution', 'forbidden');
    const tenantId = current.tenantId;
    const scope: TenantScope = { kind: 'cross-tenant', access: 'system', reason: `isolation evidence of institution ${tenantId} for ${principal.subject}` };
    const rows: Record<string, any>[] = await RequestContext.withTenantScope(scope, () =>
      this.db.transaction((tx) =>
        tx.query(
          `select id, status, report, report_sha256, signature, signing_key_id from isolation_runs
            where report is not null and report->'institutions' @> jsonb_build_array(jsonb_build_object('id', $1::text))
            order by started_at desc, id desc limit 1`,
          [tenantId],
        ),
      ),
    );
    if (!rows.length) return null;
    const row = rows[0];
    const report = row.report as {
      institutions: ReportInstitution[];
      checks: (InstitutionCheck & Record<string, unknown>)[];
      startedAt: string;
      finishedAt: string;
      status: string;
    };
    const self = report.institutions.find((institution) => institution.id === tenantId)!;
    const checks = report.checks.map(({ id, title, concern, status, summary, evidence, durationMs }) => ({
      id,
      title,
      concern,
      status,
      summary,
      evidence,
      durationMs,
    }));
    return {
      institution: { id: self.id, slug: self.slug },
      runId: row.id,
      status: report.status,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      reportSha256: row.report_sha256,
      signingKeyId: row.signing_key_id,
      signature: row.signature,
      checks: checksConcerning(
        checks,
        self,
        report.institutions.map(({ id, slug }) => ({ id, slug })),
      ),
    };
  }
}

/** The downloadable document a tenant admin hands its supervisor. */
export function evidenceDocument(evidence: InstitutionEvidence): Record<string, unknown> {
  return {
    purpose: EVIDENCE_PURPOSE,
    formatVersion: 1,
    ...evidence,
    howToVerify:
      'This extract is not itself signed. Obtain the full signed report GET /isolation/reports/{runId}.json (supervisors and platform admins), check its Ed25519 signature, that its signature.sha256 equals reportSha256 here, and that each check here matches the report’s check of the same id (other institutions redacted).',
  };
}
