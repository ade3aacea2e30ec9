import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import { Authenticated, CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, TIME_ID_CURSOR, NAME_CURSOR, toConnection } from '@ai-commons/graphql';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import { InstitutionService } from '../institution.service';
import type { InstitutionRecord, StatusChangeRecord } from '../institution.model';
import {
  CreateInstitutionInput,
  InstitutionConnection,
  InstitutionStatusEnum,
  InstitutionType,
  SectorEnum,
  StatusChangeConnection,
  UpdateInstitutionInput,
} from './institution.types';

@Resolver(() => InstitutionType)
export class InstitutionResolver {
  constructor(
    private readonly institutionService: InstitutionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Authenticated()
  @Query(() => InstitutionConnection, {
    description: 'Member institutions: all of them for platform admins and regulators, your own otherwise',
  })
  async institutions(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('status', { type: () => InstitutionStatusEnum, nullable: true }) status?: InstitutionStatusEnum,
    @Args('sector', { type: () => SectorEnum, nullable: true }) sector?: SectorEnum,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, NAME_CURSOR);
    const result = await this.institutionService.list(principal, { status, sector }, request.size, request.after);
    return toConnection(result.rows, result.size, (row: InstitutionRecord) => [row.slug]);
  }

  @Authenticated()
  @Query(() => InstitutionType)
  institution(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.institutionService.get(principal, id);
  }

  @ResolveField(() => StatusChangeConnection)
  async statusHistory(@CurrentPrincipal() principal: Principal, @Parent() institution: InstitutionRecord, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.institutionService.statusHistory(principal, institution.id, request.size, request.after);
    return toConnection(result.rows, result.size, (row: StatusChangeRecord) => [row.changedAt.toISOString(), row.id]);
  }

  @Roles('platform-admin')
  @Mutation(() => InstitutionType)
  createInstitution(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateInstitutionInput) {
    return this.institutionService.create(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => InstitutionType)
  updateInstitution(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateInstitutionInput) {
    return this.institutionService.update(principal, id, input);
  }

  @Roles('platform-admin')
  @Mutation(() => InstitutionType)
  suspendInstitution(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.institutionService.changeStatus(principal, id, 'suspend', reason);
  }

  @Roles('platform-admin')
  @Mutation(() => InstitutionType)
  reactivateInstitution(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.institutionService.changeStatus(principal, id, 'reactivate', reason);
  }

  @Roles('platform-admin')
  @Mutation(() => InstitutionType)
  offboardInstitution(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.institutionService.changeStatus(principal, id, 'offboard', reason);
  }
}
