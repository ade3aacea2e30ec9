import type { Principal } from './principal';

/**
 * Ports implemented by domain libraries and consumed by platform libraries. They keep the
 * dependency direction platform ← domain while letting e.g. the auth guard resolve institutions.
 */

/** One record of something that happened; written through the single audit port. */
export interface AuditRecord {
  action: string;
  resourceType: string;
  resourceId?: string;
  outcome: 'success' | 'denied' | 'failure';
  /** Institution the event belongs to (drives who may read it); undefined for platform events. */
  tenantId?: string;
  details?: Record<string, unknown>;
}

/** Anything that can run SQL inside the caller's open transaction. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

export interface AuditSink {
  /** Records `record` inside the caller's transaction, so it commits or rolls back with it. */
  record(record: AuditRecord, tx: SqlExecutor): Promise<void>;
}
export const AUDIT_SINK = Symbol('AUDIT_SINK');

export type InstitutionStatus = 'active' | 'suspended' | 'offboarded';

export interface InstitutionDirectoryEntry {
  id: string;
  slug: string;
  status: InstitutionStatus;
}

/** Resolves the institution a credential names. Implementations cache; lookups are hot. */
export interface InstitutionDirectory {
  findBySlug(slug: string): Promise<InstitutionDirectoryEntry | undefined>;
}
export const INSTITUTION_DIRECTORY = Symbol('INSTITUTION_DIRECTORY');

export type { Principal };
