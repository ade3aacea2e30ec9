import { Module } from '@nestjs/common';
import { QuotaResolver } from './graphql/quota.resolver';
import { QuotaService } from './service/quota.service';

/** Capacity pools, investment-weighted quotas, usage reports and settlement (GraphQL). */
@Module({ providers: [QuotaService, QuotaResolver], exports: [QuotaService] })
export class QuotaModule {}
