import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, TIME_ID_CURSOR, toConnection } from '@ai-commons/graphql';
import type { OfferingRecord } from '../offerings/offering.model';
import { OfferingService } from '../offerings/offering.service';
import { CatalogStatusEnum, HostingEnum, NetworkZoneEnum } from './catalog-enums';
import { OfferingConnection, OfferingType, RegisterModelOfferingInput } from './offering.types';

@Resolver(() => OfferingType)
export class OfferingResolver {
  constructor(
    private readonly offerings: OfferingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => OfferingConnection, { description: 'Model offerings, oldest first; every authenticated caller may browse them' })
  async modelOfferings(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('modelId', { type: () => ID, nullable: true }) modelId?: string,
    @Args('hosting', { type: () => HostingEnum, nullable: true }) hosting?: HostingEnum,
    @Args('networkZone', { type: () => NetworkZoneEnum, nullable: true }) networkZone?: NetworkZoneEnum,
    @Args('region', { type: () => String, nullable: true }) region?: string,
    @Args('status', { type: () => CatalogStatusEnum, nullable: true }) status?: CatalogStatusEnum,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.offerings.list(principal, { modelId, hosting, networkZone, region, status }, request.size, request.after);
    return toConnection(result.rows, result.size, (row: OfferingRecord) => [row.createdAt.toISOString(), row.id]);
  }

  @Query(() => OfferingType)
  modelOffering(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.offerings.get(principal, id);
  }

  @Roles('platform-admin')
  @Mutation(() => OfferingType)
  registerModelOffering(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterModelOfferingInput) {
    return this.offerings.register(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => OfferingType, { description: 'Refused while endpoints that are not retired use the offering' })
  retireModelOffering(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.offerings.retire(principal, id, reason);
  }
}
