import { Module } from '@nestjs/common';
import { ClassificationFloorResolver } from './admin/classification-floor.resolver';
import { ClassificationFloorService } from './admin/classification-floor.service';
import { PolicyAdminResolver } from './admin/policy-admin.resolver';
import { PolicyAdminService } from './admin/policy-admin.service';

/** The data-handling policy's administration: versions, institutions' PII settings, classification floors. */
@Module({
  providers: [PolicyAdminService, PolicyAdminResolver, ClassificationFloorService, ClassificationFloorResolver],
  exports: [PolicyAdminService],
})
export class DataPolicyModule {}
