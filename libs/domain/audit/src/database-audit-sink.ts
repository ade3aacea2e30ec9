import { Injectable } from '@nestjs/common';
import { RequestContext, type AuditRecord, type AuditSink, type SqlExecutor } from '@ai-commons/core';

/**
 * The audit port's implementation: appends to `audit_events` inside the caller's transaction, so a
 * mutation and its record commit together or not at all. The actor comes from the request context,
 * never from the caller.
 */
@Injectable()
export class DatabaseAuditSink implements AuditSink {
  async record(record: AuditRecord, tx: SqlExecutor): Promise<void> {
    const context = RequestContext.current();
    const principal = context?.principal;
    const actor = principal
      ? {
          subject: principal.subject,
          username: principal.username,
          institutionId: principal.institutionId ?? null,
          roles: principal.roles,
          clientId: principal.clientId,
          authMethod: principal.authMethod,
          sourceAddress: context?.sourceAddress ?? null,
        }
      : { subject: 'system', sourceAddress: context?.sourceAddress ?? null };
    await tx.query(
      `insert into audit_events (tenant_id, request_id, actor, action, resource_type, resource_id, outcome, details)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        record.tenantId ?? null,
        context?.requestId ?? null,
        JSON.stringify(actor),
        record.action,
        record.resourceType,
        record.resourceId ?? null,
        record.outcome,
        JSON.stringify(record.details ?? {}),
      ],
    );
  }
}
