import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { PageArgs, pageRequest, toConnection, type CursorKeyShape } from '@ai-commons/graphql';
import { Authenticated, CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { QuotaPoolAdminService } from '../pools/quota-pool-admin.service';
import { QuotaPoolService } from '../pools/quota-pool.service';
import { AllocationPreviewService } from '../preview/allocation-preview.service';
import { QuotaSettlementService } from '../settlement/quota-settlement.service';
import { QuotaStandingService } from '../standings/quota-standing.service';
import { UsageReportService, type UsageReportRow } from '../usage/usage-report.service';
import {
  QuotaAllocationPreviewType,
  QuotaDemandInput,
  QuotaPoolInput,
  QuotaPoolType,
  QuotaSettlementType,
  QuotaStandingType,
  QuotaUsageRowConnection,
} from './quota.types';

/** A usage row's key: its day (YYYY-MM-DD), institution and model. */
const USAGE_ROW_CURSOR: CursorKeyShape = ['text', 'uuid', 'text'];

@Resolver(() => QuotaPoolType)
export class QuotaResolver {
  constructor(
    private readonly pools: QuotaPoolService,
    private readonly poolAdmin: QuotaPoolAdminService,
    private readonly standings: QuotaStandingService,
    private readonly usage: UsageReportService,
    private readonly settlements: QuotaSettlementService,
    private readonly previews: AllocationPreviewService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Authenticated()
  @Query(() => [QuotaPoolType], { description: 'Pools: admins and regulators see all; members the pools they belong to, with their own row only' })
  quotaPools(@CurrentPrincipal() principal: Principal) {
    return this.pools.pools(principal);
  }

  @Authenticated()
  @Query(() => QuotaPoolType)
  quotaPool(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.pools.pool(principal, id);
  }

  @Authenticated()
  @Query(() => [QuotaStandingType], { description: 'Guarantee, current use and borrowing, remaining budget (members: their own)' })
  quotaStandings(@CurrentPrincipal() principal: Principal) {
    return this.standings.standings(principal);
  }

  @Authenticated()
  @Query(() => QuotaUsageRowConnection, {
    description: 'Usage per institution, model and day (KST), ordered by day, institution and model; members see their own',
  })
  async quotaUsageReport(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('poolId', { type: () => ID, nullable: true }) poolId?: string,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, USAGE_ROW_CURSOR);
    const rows = await this.usage.report(principal, { from, to, poolId }, request.size, request.after);
    return toConnection(rows, request.size, (row: UsageReportRow) => [row.day, row.institutionId, row.model]);
  }

  @Roles('platform-admin', 'regulator')
  @Query(() => QuotaSettlementType, { description: "The pool's cost split by investment and by use" })
  quotaSettlement(
    @CurrentPrincipal() principal: Principal,
    @Args('poolId', { type: () => ID }) poolId: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
  ) {
    return this.settlements.settlement(principal, poolId, from, to);
  }

  @Roles('platform-admin')
  @Query(() => QuotaAllocationPreviewType, { description: 'The allocation a change would give, without storing it (default demand: everyone saturating)' })
  previewQuotaAllocation(
    @CurrentPrincipal() principal: Principal,
    @Args('change', { type: () => QuotaPoolInput }) change: QuotaPoolInput,
    @Args('poolId', { type: () => ID, nullable: true }) poolId?: string,
    @Args('demands', { type: () => [QuotaDemandInput], nullable: true }) demands?: QuotaDemandInput[],
  ) {
    return this.previews.preview(principal, poolId, change, demands);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType)
  createQuotaPool(@CurrentPrincipal() principal: Principal, @Args('input') input: QuotaPoolInput) {
    return this.poolAdmin.create(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType, { description: 'Changes capacity, headroom, cost, endpoints and members; validated as a whole' })
  updateQuotaPool(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: QuotaPoolInput) {
    return this.poolAdmin.update(principal, id, input);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType)
  removeQuotaPoolMember(
    @CurrentPrincipal() principal: Principal,
    @Args('poolId', { type: () => ID }) poolId: string,
    @Args('institutionId', { type: () => ID }) institutionId: string,
  ) {
    return this.poolAdmin.removeMember(principal, poolId, institutionId);
  }
}
