import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, NAME_CURSOR, toConnection } from '@ai-commons/graphql';
import type { ModelRecord } from '../models/model.model';
import { ModelService } from '../models/model.service';
import { OfferingService } from '../offerings/offering.service';
import { CatalogStatusEnum, ModelKindEnum } from './catalog-enums';
import { ModelConnection, ModelType, RegisterModelInput } from './model.types';
import { OfferingType } from './offering.types';

@Resolver(() => ModelType)
export class ModelResolver {
  constructor(
    private readonly modelService: ModelService,
    private readonly offeringService: OfferingService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Query(() => ModelConnection, { description: 'The model catalog, by name; every authenticated caller may browse it' })
  async models(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('kind', { type: () => ModelKindEnum, nullable: true }) kind?: ModelKindEnum,
    @Args('status', { type: () => CatalogStatusEnum, nullable: true }) status?: CatalogStatusEnum,
    @Args('family', { type: () => String, nullable: true }) family?: string,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, NAME_CURSOR);
    const result = await this.modelService.list(principal, { kind, status, family }, request.size, request.after);
    return toConnection(result.rows, result.size, (row: ModelRecord) => [row.name]);
  }

  @Query(() => ModelType)
  model(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.modelService.get(principal, id);
  }

  @ResolveField(() => [OfferingType], { description: 'Every offering of this model, oldest first' })
  offerings(@CurrentPrincipal() principal: Principal, @Parent() model: ModelRecord) {
    return this.offeringService.ofModel(principal, model.id);
  }

  @Roles('platform-admin')
  @Mutation(() => ModelType)
  registerModel(@CurrentPrincipal() principal: Principal, @Args('input') input: RegisterModelInput) {
    return this.modelService.register(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => ModelType, { description: 'Retires a model and its offerings; refused while endpoints use it' })
  retireModel(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('reason') reason: string) {
    return this.modelService.retire(principal, id, reason);
  }
}
