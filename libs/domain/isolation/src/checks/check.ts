import type { DataSource, EntityManager } from 'typeorm';
import type { TenantDatabase } from '@ai-commons/database';
import type { PolicyDocument } from '@ai-commons/policy';
import type { SignedTreeHead } from '@ai-commons/audit-proofs';
import type { AuditKeys } from '@ai-commons/audit';
import type { CredentialCipher } from '@ai-commons/catalog';

/** The regulatory concern a check answers (FSI: who could reach an institution's data, and where it goes). */
export const CONCERNS = ['other-members', 'operator-access', 'data-localisation', 'network-separation', 'tamper-evidence'] as const;
export type Concern = (typeof CONCERNS)[number];

export const CHECK_STATUSES = ['pass', 'fail', 'warning'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export interface CheckOutcome {
  status: CheckStatus;
  /** One sentence a supervisor can read: what was found. */
  summary: string;
  /** Machine-readable evidence: what was queried or sent, and what came back. */
  evidence: Record<string, unknown>;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  title: string;
  concern: Concern;
  /** How the check works, in one or two sentences. */
  method: string;
  startedAt: string;
  durationMs: number;
}

export interface RunInstitution {
  id: string;
  slug: string;
  status: string;
  ceiling: string;
}

export interface RunContext {
  runId: string;
  now: Date;
  db: TenantDatabase;
  dataSource: DataSource;
  institutions: RunInstitution[];
  /** Public tables with a tenant_id column (every institution-owned table). */
  tenantTables: string[];
  policy: PolicyDocument;
  cipher: CredentialCipher;
  keys: AuditKeys;
  previousTreeHead: SignedTreeHead | null;
  /** Marker text planted in canaries and probe prompts; scanned for afterwards. */
  marker: string;
  controlPlaneUrl?: string;
  gatewayUrl?: string;
  /** serviceSecret: undefined when none is configured (production has no demo fallback). */
  keycloak: { url: string; realm: string; serviceSecret: (slug: string) => string | undefined };
  /** SQL in one institution's own scope (as the app role, RLS applies). */
  asTenant<T>(tenantId: string, work: (tx: EntityManager) => Promise<T>): Promise<T>;
  /** SQL in the platform's own cross-tenant `system` scope (as the app role). */
  asSystem<T>(work: (tx: EntityManager) => Promise<T>): Promise<T>;
  /** The tree head this run saw (set by the audit check; stored with the run). */
  treeHead?: SignedTreeHead | null;
}

export interface IsolationCheck {
  id: string;
  title: string;
  concern: Concern;
  method: string;
  run(context: RunContext): Promise<CheckOutcome>;
}

export const pass = (summary: string, evidence: Record<string, unknown>): CheckOutcome => ({ status: 'pass', summary, evidence });
export const fail = (summary: string, evidence: Record<string, unknown>): CheckOutcome => ({ status: 'fail', summary, evidence });
export const warning = (summary: string, evidence: Record<string, unknown>): CheckOutcome => ({ status: 'warning', summary, evidence });

/** Quotes an identifier read from pg_catalog (table names are never taken from input). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
