import { Module } from '@nestjs/common';
import { CatalogModule } from '@ai-commons/catalog';
import { IsolationReportController } from './isolation-report.controller';
import { IsolationResolver } from './isolation.resolver';
import { InstitutionEvidenceResolver } from './institution-evidence.resolver';
import { InstitutionEvidenceService } from './institution-evidence.service';
import { IsolationScheduler } from './isolation-scheduler';
import { IsolationAlertService } from './verification/isolation-alert.service';
import { IsolationRunSweeper } from './verification/isolation-run-sweeper';
import { VerificationReadService } from './verification/verification-read.service';
import { VerificationRunner } from './verification/verification-runner';

/** Data-isolation verification (signed reports, alerts, schedule, the sweep of interrupted runs). */
@Module({
  imports: [CatalogModule],
  providers: [
    VerificationRunner,
    VerificationReadService,
    IsolationAlertService,
    IsolationResolver,
    IsolationScheduler,
    IsolationRunSweeper,
    InstitutionEvidenceService,
    InstitutionEvidenceResolver,
  ],
  controllers: [IsolationReportController],
  exports: [VerificationRunner, VerificationReadService, IsolationRunSweeper],
})
export class IsolationModule {}
