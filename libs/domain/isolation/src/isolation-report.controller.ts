import { Controller, Get, Param, Res, UseFilters } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { DomainErrorHttpFilter } from '@ai-commons/graphql';
import { VerificationReadService } from './verification/verification-read.service';

/** GET /isolation/reports/{runId}.json — the signed report as a file a supervisor can keep. */
@Controller('isolation')
@UseFilters(DomainErrorHttpFilter)
export class IsolationReportController {
  constructor(private readonly reads: VerificationReadService) {}

  @Roles('platform-admin', 'regulator')
  @Get('reports/:file')
  async download(@CurrentPrincipal() principal: Principal, @Param('file') file: string, @Res() res: Response): Promise<void> {
    const id = file.replace(/\.json$/, '');
    const signed = await this.reads.signedReport(principal, id);
    res
      .type('application/json')
      .setHeader('content-disposition', `attachment; filename="isolation-report-${id}.json"`)
      .send(JSON.stringify(signed, null, 2));
  }
}
