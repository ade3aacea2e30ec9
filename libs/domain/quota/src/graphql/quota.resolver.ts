import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { QuotaService } from '../service/quota.service';
import {
  QuotaAllocationPreviewType,
  QuotaDemandInput,
  QuotaPoolInput,
  QuotaPoolType,
  QuotaSettlementType,
  QuotaStandingType,
  QuotaUsageRowType,
} from './quota.types';

@Resolver(() => QuotaPoolType)
export class QuotaResolver {
  constructor(private readonly quota: QuotaService) {}

  @Authenticated()
  @Query(() => [QuotaPoolType], { description: 'Pools: admins and regulators see all; members the pools they belong to, with their own row only' })
  quotaPools(@CurrentPrincipal() principal: Principal) {
    return this.quota.pools(principal);
  }

  @Authenticated()
  @Query(() => QuotaPoolType)
  async quotaPool(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return (await this.quota.pools(principal, id))[0];
  }

  @Authenticated()
  @Query(() => [QuotaStandingType], { description: 'Guarantee, current use and borrowing, remaining budget (members: their own)' })
  quotaStandings(@CurrentPrincipal() principal: Principal) {
    return this.quota.standings(principal);
  }

  @Authenticated()
  @Query(() => [QuotaUsageRowType], { description: 'Usage per institution, model and day (KST); members see their own' })
  quotaUsageReport(
    @CurrentPrincipal() principal: Principal,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('poolId', { type: () => ID, nullable: true }) poolId?: string,
  ) {
    return this.quota.usageReport(principal, from, to, poolId);
  }

  @Roles('platform-admin', 'regulator')
  @Query(() => QuotaSettlementType, { description: "The pool's cost split by investment and by use" })
  quotaSettlement(
    @CurrentPrincipal() principal: Principal,
    @Args('poolId', { type: () => ID }) poolId: string,
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
  ) {
    return this.quota.settlement(principal, poolId, from, to);
  }

  @Roles('platform-admin')
  @Query(() => QuotaAllocationPreviewType, { description: 'The allocation a change would give, without storing it (default demand: everyone saturating)' })
  previewQuotaAllocation(
    @CurrentPrincipal() principal: Principal,
    @Args('change', { type: () => QuotaPoolInput }) change: QuotaPoolInput,
    @Args('poolId', { type: () => ID, nullable: true }) poolId?: string,
    @Args('demands', { type: () => [QuotaDemandInput], nullable: true }) demands?: QuotaDemandInput[],
  ) {
    return this.quota.preview(principal, poolId, change, demands);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType)
  createQuotaPool(@CurrentPrincipal() principal: Principal, @Args('input') input: QuotaPoolInput) {
    return this.quota.create(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType, { description: 'Changes capacity, headroom, cost, endpoints and members; validated as a whole' })
  updateQuotaPool(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: QuotaPoolInput) {
    return this.quota.update(principal, id, input);
  }

  @Roles('platform-admin')
  @Mutation(() => QuotaPoolType)
  removeQuotaPoolMember(
    @CurrentPrincipal() principal: Principal,
    @Args('poolId', { type: () => ID }) poolId: string,
    @Args('institutionId', { type: () => ID }) institutionId: string,
  ) {
    return this.quota.removeMember(principal, poolId, institutionId);
  }
}
