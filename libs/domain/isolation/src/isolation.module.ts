import { Module } from '@nestjs/common';
import { CatalogModule } from '@ai-commons/catalog';
import { IsolationReportController } from './isolation-report.controller';
import { IsolationResolver } from './isolation.resolver';
import { IsolationScheduler } from './isolation-scheduler';
import { VerificationService } from './verification.service';

/** Data-isolation verification (signed reports, alerts, schedule). */
@Module({
  imports: [CatalogModule],
  providers: [VerificationService, IsolationResolver, IsolationScheduler],
  controllers: [IsolationReportController],
  exports: [VerificationService],
})
export class IsolationModule {}
