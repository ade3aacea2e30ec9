import { Module } from '@nestjs/common';
import { DemoQuotaSeeder } from './demo/demo-quota';
import { QuotaResolver } from './graphql/quota.resolver';
import { QuotaPoolAdminService } from './pools/quota-pool-admin.service';
import { QuotaPoolService } from './pools/quota-pool.service';
import { AllocationPreviewService } from './preview/allocation-preview.service';
import { QuotaSettlementService } from './settlement/quota-settlement.service';
import { QuotaStandingService } from './standings/quota-standing.service';
import { UsageReportService } from './usage/usage-report.service';

/** Capacity pools, investment-weighted quotas, usage reports and settlement (GraphQL). */
@Module({
  providers: [
    QuotaPoolService,
    QuotaPoolAdminService,
    QuotaStandingService,
    UsageReportService,
    QuotaSettlementService,
    AllocationPreviewService,
    DemoQuotaSeeder,
    QuotaResolver,
  ],
  exports: [
    QuotaPoolService,
    QuotaPoolAdminService,
    QuotaStandingService,
    UsageReportService,
    QuotaSettlementService,
    AllocationPreviewService,
    DemoQuotaSeeder,
  ],
})
export class QuotaModule {}
