import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Controller, Get, Query, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, Public, Roles } from '@ai-commons/auth';
import { isUuid, type Principal } from '@ai-commons/core';
import { DomainErrorHttpFilter, parseDateTime } from '@ai-commons/graphql';
import { AuditError } from '../audit-errors';
import { tarDirectory } from '../export/tar';
import { AUDIT_READERS } from '../graphql/audit.resolver';
import { AuditKeys } from '../keys/audit-keys';
import { AuditLogService } from '../read/audit-log.service';

/** Directory name inside the archive: `tar -xf <file>` creates it. */
export const EXPORT_BUNDLE_DIRECTORY = 'audit-bundle';

/**
 * GET /audit/export?institutionId=&from=&to= — an export bundle as a tar download
 * (`tar -xf <file>` gives the `audit-bundle/` directory the offline verifier reads).
 * Without institutionId (platform admins, regulators): a full, gap-free bundle of every event.
 * GET /audit/public-key.pem — the signing key, for convenience (pin a copy obtained out of band).
 */
@Controller('audit')
@UseFilters(DomainErrorHttpFilter)
export class AuditExportController {
  constructor(
    private readonly auditLog: AuditLogService,
    private readonly keys: AuditKeys,
  ) {}

  @Public()
  @Get('public-key.pem')
  publicKey(@Res() res: Response): void {
    res.type('application/x-pem-file').send(this.keys.publicKeyPem);
  }

  @Roles(...AUDIT_READERS)
  @Get('export')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Res() res: Response,
    @Query('institutionId') institutionId?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
  ): Promise<void> {
    if (institutionId !== undefined && institutionId !== '' && !isUuid(institutionId))
      throw new AuditError('INVALID_ID', 'institutionId is not an id (a UUID)');
    const range = { from: instant(from, 'from') ?? new Date(0), to: instant(to, 'to') ?? new Date() };
    const workDirectory = await mkdtemp(join(tmpdir(), 'ai-commons-audit-export-'));
    try {
      const bundle = join(workDirectory, EXPORT_BUNDLE_DIRECTORY);
      const { manifest, missingNodes } = await this.auditLog.export(principal, { institutionId: institutionId || null, ...range }, bundle);
      const name = `ai-commons-audit-${manifest.institution ?? 'all'}-${compact(manifest.timeRange.from)}-${compact(manifest.timeRange.to)}.tar`;
      res.status(200).set({
        'content-type': 'application/x-tar',
        'content-disposition': `attachment; filename="${name}"`,
        'x-audit-scope': manifest.scope,
        'x-audit-event-count': String(manifest.eventCount),
        'x-audit-latest-tree-size': String(manifest.latestTreeSize),
        // Non-zero only when stored tree hashes are gone: the log's tables were tampered with.
        'x-audit-missing-tree-nodes': String(missingNodes),
      });
      await pipeline(tarDirectory(bundle, EXPORT_BUNDLE_DIRECTORY), res);
    } finally {
      await rm(workDirectory, { recursive: true, force: true });
    }
  }
}

/** The GraphQL DateTime rules (ISO 8601, years 1–9999); a repeated parameter is not an instant. */
function instant(value: unknown, name: string): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? parseDateTime(value) : 'INVALID_DATE';
  if (!(parsed instanceof Date))
    throw new AuditError('INVALID_TIME_RANGE', `${name} is not an ISO 8601 instant between 0001-01-01 and 9999-12-31`, { problem: parsed });
  return parsed;
}

function compact(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}
