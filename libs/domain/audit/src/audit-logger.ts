/** The part of JsonLogger the audit log's background jobs use. */
export interface AuditLogger {
  event(level: 'debug' | 'info' | 'warn' | 'error', event: string, fields?: Record<string, unknown>): void;
}

export const SILENT_LOGGER: AuditLogger = { event: () => undefined };
