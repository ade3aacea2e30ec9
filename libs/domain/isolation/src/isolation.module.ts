import { Module } from '@nestjs/common';
import { CatalogModule } from '@ai-commons/catalog';
import { IsolationReportController } from './isolation-report.controller';
import { IsolationResolver } from './isolation.resolver';
import { IsolationScheduler } from './isolation-scheduler';
import { PolicyAdminResolver } from './policy-admin/policy-admin.resolver';
import { ClassificationFloorResolver } from './policy-admin/classification-floor.resolver';
import { ClassificationFloorService } from './policy-admin/classification-floor.service';
import { PolicyAdminService } from './policy-admin/policy-admin.service';
import { IsolationAlertService } from './verification/isolation-alert.service';
import { VerificationReadService } from './verification/verification-read.service';
import { VerificationRunner } from './verification/verification-runner';

/** Data-isolation verification (signed reports, alerts, schedule) and the data-handling policy's administration. */
@Module({
  imports: [CatalogModule],
  providers: [VerificationRunner, VerificationReadService, IsolationAlertService, IsolationResolver, IsolationScheduler, PolicyAdminService, PolicyAdminResolver, ClassificationFloorService, ClassificationFloorResolver],
  controllers: [IsolationReportController],
  exports: [VerificationRunner, VerificationReadService, PolicyAdminService],
})
export class IsolationModule {}
