import { Inject, Injectable } from '@nestjs/common';
import { AUDIT_ACTIONS, AUDIT_SINK, type AuditSink, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { IsolationError } from '../isolation-errors';
import { toAlert, type AlertRecord, type IsolationAlertRow } from './verification-records';

/** Alerts raised by failed checks: read by platform admins and regulators, acknowledged by platform admins (audited). */
@Injectable()
export class IsolationAlertService {
  constructor(
    private readonly scopes: TenantScopes,
    @Inject(AUDIT_SINK) private readonly audit: AuditSink,
  ) {}

  /** Newest first, keyset-paged on (raised_at, id): `size + 1` rows, the extra one telling whether more follow. */
  list(principal: Principal, open: boolean | undefined, size: number, after?: unknown[]): Promise<AlertRecord[]> {
    return this.scopes.read(principal, 'list isolation alerts', async (tx) => {
      const rows: IsolationAlertRow[] = await tx.query(
        `select id, run_id, check_id, concern, summary, raised_at, acknowledged_at from isolation_alerts
         where ($1::boolean is null or (acknowledged_at is null) = $1)
           and ($2::timestamptz is null or (raised_at, id) < ($2::timestamptz, $3::uuid))
         order by raised_at desc, id desc limit $4`,
        [open ?? null, after?.[0] ?? null, after?.[1] ?? null, size + 1],
      );
      return rows.map(toAlert);
    });
  }

  acknowledge(principal: Principal, id: string): Promise<AlertRecord> {
    return this.scopes.admin(principal, `acknowledge isolation alert ${id}`, async (tx) => {
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count], not the rows alone.
      const [rows] = (await tx.query(
        `update isolation_alerts set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, $2) where id = $1
         returning id, run_id, check_id, concern, summary, raised_at, acknowledged_at`,
        [id, principal.subject],
      )) as [IsolationAlertRow[], number];
      const row = rows[0];
      if (!row) throw new IsolationError('ALERT_NOT_FOUND', `No isolation alert ${id}`, { id });
      await this.audit.record(
        {
          action: AUDIT_ACTIONS.isolationAlertAcknowledge,
          resourceType: 'isolation-alert',
          resourceId: id,
          outcome: 'success',
          details: { checkId: row.check_id },
        },
        tx,
      );
      return toAlert(row);
    });
  }
}
