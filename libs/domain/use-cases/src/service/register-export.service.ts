import { Injectable } from '@nestjs/common';
import { AuditKeys } from '@ai-commons/audit';
import { signReport, type ReportSignature } from '@ai-commons/isolation';
import type { Principal } from '@ai-commons/core';
import { isUuid } from '../use-case-validation';
import { UseCaseError } from '../use-case-errors';
import { USE_CASE_SELECT, toUseCaseRecord, type UseCaseRow } from './use-case-records';
import { UseCaseScopes } from './use-case-scopes';

/** Domain separation: a register signature can never be taken for an isolation report's. */
export const REGISTER_PURPOSE = 'ai-commons/use-case-register';
export const REGISTER_FORMAT_VERSION = 1;
/** Bounded work: an export lists at most this many use cases (and says when it stopped). */
const MAX_EXPORTED = 2000;

export interface SignedRegister {
  document: Record<string, unknown>;
  signature: ReportSignature;
}

/**
 * The register as a signed JSON document a supervisor can file: Ed25519 over its RFC 8785
 * canonical JSON with the audit signing key, exactly as isolation reports are signed (same code).
 * Regulators and platform admins export every institution's (or one); institutions their own.
 */
@Injectable()
export class RegisterExportService {
  constructor(
    private readonly scopes: UseCaseScopes,
    private readonly keys: AuditKeys,
  ) {}

  export(principal: Principal, institutionId?: string | null, now = new Date()): Promise<SignedRegister> {
    if (institutionId != null && !isUuid(institutionId)) throw new UseCaseError('INVALID_FILTER', 'institutionId must be a UUID', { field: 'institutionId' });
    return this.scopes.read(principal, 'export the use-case register', async (tx) => {
      const rows: UseCaseRow[] = await tx.query(
        `${USE_CASE_SELECT} ${institutionId ? 'where u.tenant_id = $2' : ''} order by u.tenant_id, u.created_at, u.id limit $1`,
        institutionId ? [MAX_EXPORTED + 1, institutionId] : [MAX_EXPORTED + 1],
      );
      const useCases = rows.slice(0, MAX_EXPORTED).map((row) => {
        const record = toUseCaseRecord(row);
        return {
          ...record,
          approval: record.approval && {
            ...record.approval,
            validFrom: record.approval.validFrom.toISOString(),
            validUntil: record.approval.validUntil.toISOString(),
            approvedAt: record.approval.approvedAt?.toISOString() ?? null,
          },
          createdAt: record.createdAt.toISOString(),
          updatedAt: record.updatedAt.toISOString(),
        };
      });
      const document = {
        purpose: REGISTER_PURPOSE,
        formatVersion: REGISTER_FORMAT_VERSION,
        generatedAt: now.toISOString(),
        generatedBy: principal.subject,
        institutionId: institutionId ?? null,
        truncated: rows.length > MAX_EXPORTED,
        useCases,
      };
      // Plain JSON data (no Dates, no undefined) so any verifier recomputes the same canonical bytes.
      const plain = JSON.parse(JSON.stringify(document)) as Record<string, unknown>;
      return { document: plain, signature: signReport(plain, this.keys.signingKey, this.keys.keyId, this.keys.publicKeyPem) };
    });
  }
}
