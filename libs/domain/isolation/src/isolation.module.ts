import { Module } from '@nestjs/common';
import { CatalogModule } from '@ai-commons/catalog';
import { IsolationReportController } from './isolation-report.controller';
import { IsolationResolver } from './isolation.resolver';
import { IsolationScheduler } from './isolation-scheduler';
import { PolicyAdminResolver } from './policy-admin/policy-admin.resolver';
import { ClassificationFloorResolver } from './policy-admin/classification-floor.resolver';
import { ClassificationFloorService } from './policy-admin/classification-floor.service';
import { PolicyAdminService } from './policy-admin/policy-admin.service';
import { VerificationService } from './verification.service';

/** Data-isolation verification (signed reports, alerts, schedule) and the data-handling policy's administration. */
@Module({
  imports: [CatalogModule],
  providers: [VerificationService, IsolationResolver, IsolationScheduler, PolicyAdminService, PolicyAdminResolver, ClassificationFloorService, ClassificationFloorResolver],
  controllers: [IsolationReportController],
  exports: [VerificationService, PolicyAdminService],
})
export class IsolationModule {}
