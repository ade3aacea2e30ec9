import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, TIME_ID_CURSOR, toConnection } from '@ai-commons/graphql';
import { apiKeyStatus, type ApiKeyRecord, type ApiKeyStatus } from '../api-keys/api-key.model';
import { ApiKeyService } from '../api-keys/api-key.service';
import { ApiKeyStatusEnum } from './catalog-enums';
import { ApiKeyConnection, ApiKeyType, CreateApiKeyInput, CreatedApiKeyType } from './api-key.types';

const READERS = ['tenant-admin', 'platform-admin', 'regulator'] as const;

@Resolver(() => ApiKeyType)
export class ApiKeyResolver {
  constructor(
    private readonly apiKeyService: ApiKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles(...READERS)
  @Query(() => ApiKeyConnection, {
    description: "API keys (never their secrets): tenant admins see their institution's, platform admins and regulators all",
  })
  async apiKeys(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
    @Args('status', { type: () => ApiKeyStatusEnum, nullable: true }) status?: ApiKeyStatusEnum,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.apiKeyService.list(principal, { institutionId, status }, request.size, request.after);
    return toConnection(result.rows, result.size, (row: ApiKeyRecord) => [row.createdAt.toISOString(), row.id]);
  }

  @Roles(...READERS)
  @Query(() => ApiKeyType)
  apiKey(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.apiKeyService.get(principal, id);
  }

  @ResolveField(() => ApiKeyStatusEnum)
  status(@Parent() key: ApiKeyRecord): ApiKeyStatus {
    return apiKeyStatus(key, new Date());
  }

  @Roles('tenant-admin')
  @Mutation(() => CreatedApiKeyType, { description: 'Returns the secret once; only its SHA-256 hash is stored' })
  createApiKey(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateApiKeyInput) {
    return this.apiKeyService.create(principal, input);
  }

  @Roles('tenant-admin', 'tenant-member')
  @Mutation(() => CreatedApiKeyType, {
    description: "The console playground's key: yours alone, your institution's, valid 15 minutes, internal classification; minting one revokes your previous",
  })
  createPlaygroundKey(@CurrentPrincipal() principal: Principal, @Args('useCaseId', { type: () => ID, nullable: true }) useCaseId?: string) {
    return this.apiKeyService.createPlaygroundKey(principal, useCaseId);
  }

  @Roles('tenant-admin')
  @Mutation(() => ApiKeyType)
  revokeApiKey(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.apiKeyService.revoke(principal, id);
  }
}
