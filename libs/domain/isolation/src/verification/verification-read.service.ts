import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SYSTEM_PRINCIPAL, isUuid, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { AuditKeys } from '@ai-commons/audit';
import { IsolationError } from '../isolation-errors';
import { storedReportSignature } from '../report-signing';
import { toCheckResult, toRun, type CheckResultRow, type IsolationRunRow, type SignedReport, type VerificationRunView } from './verification-records';

const RUN_COLUMNS = 'id, trigger, requested_by, status, started_at, finished_at, summary, report_sha256, signing_key_id';

/**
 * The read side of data-isolation verification: runs with their checks' results, and the signed
 * reports as supervisors download them. Platform admins and regulators read in the audited
 * cross-tenant mode; the platform itself (the runner answering its caller) in its system scope.
 */
@Injectable()
export class VerificationReadService {
  constructor(
    private readonly scopes: TenantScopes,
    private readonly keys: AuditKeys,
  ) {}

  /** Newest first, keyset-paged on (started_at, id): `size + 1` rows, the extra one telling whether more follow. */
  list(principal: Principal, size: number, after?: unknown[]): Promise<VerificationRunView[]> {
    return this.read(principal, 'list isolation verification runs', async (tx) => {
      const rows: IsolationRunRow[] = after
        ? await tx.query(
            `select ${RUN_COLUMNS} from isolation_runs where (started_at, id) < ($1::timestamptz, $2::uuid) order by started_at desc, id desc limit $3`,
            [after[0], after[1], size + 1],
          )
        : await tx.query(`select ${RUN_COLUMNS} from isolation_runs order by started_at desc, id desc limit $1`, [size + 1]);
      return Promise.all(rows.map((row) => withChecks(tx, row)));
    });
  }

  getRun(principal: Principal, id: string): Promise<VerificationRunView> {
    runIdOrRefuse(id);
    return this.read(principal, `read isolation run ${id}`, async (tx) => {
      const rows: IsolationRunRow[] = await tx.query(`select ${RUN_COLUMNS} from isolation_runs where id = $1`, [id]);
      if (!rows.length) throw new IsolationError('RUN_NOT_FOUND', `No verification run ${id}`, { id });
      return withChecks(tx, rows[0]);
    });
  }

  /** The stored report and its signature, as a supervisor downloads it. */
  signedReport(principal: Principal, id: string): Promise<SignedReport> {
    runIdOrRefuse(id);
    return this.read(principal, `download isolation report ${id}`, async (tx) => {
      const rows: { report: Record<string, unknown> | null; report_sha256: string; signature: string; signing_key_id: string }[] = await tx.query(
        'select report, report_sha256, signature, signing_key_id from isolation_runs where id = $1',
        [id],
      );
      const row = rows[0];
      if (!row?.report) throw new IsolationError('RUN_NOT_FOUND', `No finished verification run ${id}`, { id });
      return {
        report: row.report,
        signature: storedReportSignature({ keyId: row.signing_key_id, sha256: row.report_sha256, value: row.signature }, (keyId) =>
          this.keys.publicKeyById(keyId),
        ),
      };
    });
  }

  /** The signed report as JSON text, `{ report, signature }`. */
  async signedReportJson(principal: Principal, id: string): Promise<string> {
    return JSON.stringify(await this.signedReport(principal, id), null, 2);
  }

  private read<T>(principal: Principal, reason: string, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return principal === SYSTEM_PRINCIPAL ? this.scopes.system('data-isolation verification', work) : this.scopes.read(principal, reason, work);
  }
}

async function withChecks(tx: EntityManager, row: IsolationRunRow): Promise<VerificationRunView> {
  const checks: CheckResultRow[] = await tx.query(
    `select check_id as id, title, concern, status, summary, evidence, duration_ms as "durationMs" from isolation_check_results where run_id = $1 order by check_id`,
    [row.id],
  );
  return { ...toRun(row), checks: checks.map(toCheckResult) };
}

/** Run ids are UUIDs; the REST download takes one from its path (GraphQL checks its own at the edge). */
function runIdOrRefuse(id: string): void {
  if (!isUuid(id)) throw new IsolationError('INVALID_ID', 'Not a verification run id (a UUID)');
}
