import type { AuditRecord, AuditSink, SqlExecutor } from '@ai-commons/core';

/** Records a successful catalog mutation in the caller's transaction. Never pass secrets here. */
export function auditSuccess(sink: AuditSink, tx: SqlExecutor, record: Omit<AuditRecord, 'outcome'>): Promise<void> {
  return sink.record({ ...record, outcome: 'success' }, tx);
}
