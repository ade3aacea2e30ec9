import { Module } from '@nestjs/common';
import { CatalogModule } from '@ai-commons/catalog';
import { IsolationReportController } from './isolation-report.controller';
import { IsolationResolver } from './isolation.resolver';
import { InstitutionEvidenceResolver } from './institution-evidence.resolver';
import { InstitutionEvidenceService } from './institution-evidence.service';
import { IsolationScheduler } from './isolation-scheduler';
import { VerificationService } from './verification.service';

/** Data-isolation verification (signed reports, alerts, schedule). */
@Module({
  imports: [CatalogModule],
  providers: [VerificationService, IsolationResolver, IsolationScheduler, InstitutionEvidenceService, InstitutionEvidenceResolver],
  controllers: [IsolationReportController],
  exports: [VerificationService],
})
export class IsolationModule {}
