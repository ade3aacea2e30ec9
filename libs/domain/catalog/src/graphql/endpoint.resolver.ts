import { Inject } from '@nestjs/common';
import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import { APP_CONFIG, type AppConfig } from '@ai-commons/config';
import type { Principal } from '@ai-commons/core';
import { PageArgs, pageRequest, TIME_ID_CURSOR, NAME_ID_CURSOR, toConnection } from '@ai-commons/graphql';
import type { EndpointRecord, EndpointStateChangeRecord } from '../endpoints/endpoint.model';
import { EndpointService } from '../endpoints/endpoint.service';
import { EndpointHealthEnum, EndpointStateEnum, IsolationModeEnum, LoadBalancingEnum } from './catalog-enums';
import {
  CreateEndpointInput,
  EndpointConnection,
  EndpointLimitsInput,
  EndpointStateChangeConnection,
  EndpointTargetType,
  EndpointType,
} from './endpoint.types';

const READERS = ['platform-admin', 'regulator', 'tenant-admin', 'tenant-member'] as const;

@Resolver(() => EndpointType)
export class EndpointResolver {
  constructor(
    private readonly endpointService: EndpointService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Roles(...READERS)
  @Query(() => EndpointConnection, {
    description: "Endpoints: all institutions' for platform admins and regulators, your own institution's otherwise",
  })
  async endpoints(
    @CurrentPrincipal() principal: Principal,
    @Args() page: PageArgs,
    @Args('institutionId', { type: () => ID, nullable: true }) institutionId?: string,
    @Args('name', { type: () => String, nullable: true }) name?: string,
    @Args('state', { type: () => EndpointStateEnum, nullable: true }) state?: EndpointStateEnum,
    @Args('health', { type: () => EndpointHealthEnum, nullable: true }) health?: EndpointHealthEnum,
    @Args('offeringId', { type: () => ID, nullable: true }) offeringId?: string,
    @Args('isolationMode', { type: () => IsolationModeEnum, nullable: true }) isolationMode?: IsolationModeEnum,
  ) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, NAME_ID_CURSOR);
    const filter = { institutionId, name, state, health, offeringId, isolationMode };
    const result = await this.endpointService.list(principal, filter, request.size, request.after);
    return toConnection(result.rows, result.size, (row: EndpointRecord) => [row.name, row.id]);
  }

  @Roles(...READERS)
  @Query(() => EndpointType, { description: 'NOT_FOUND for an unknown id and for another institution’s endpoint alike' })
  endpoint(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.endpointService.get(principal, id);
  }

  /**
   * Field-level authorization: the upstream's address and the probe's error text describe the
   * shared infrastructure; tenant members and service accounts call models through the gateway and
   * do not need them. Null rather than FORBIDDEN, as mature APIs hide fields a caller may not read
   * (a list stays one answer, no per-row errors); the field says so in its description.
   */
  @ResolveField(() => String, { nullable: true })
  upstreamUrl(@CurrentPrincipal() principal: Principal, @Parent() endpoint: EndpointRecord): string | null {
    return maySeeInfrastructure(principal) ? endpoint.upstreamUrl : null;
  }

  @ResolveField(() => [EndpointTargetType])
  targets(@CurrentPrincipal() principal: Principal, @Parent() endpoint: EndpointRecord): EndpointTargetType[] {
    const visible = maySeeInfrastructure(principal);
    return endpoint.targets.map((target) => (visible ? target : { ...target, url: null, healthDetail: null }));
  }

  @ResolveField(() => String, { nullable: true })
  healthDetail(@CurrentPrincipal() principal: Principal, @Parent() endpoint: EndpointRecord): string | null {
    return maySeeInfrastructure(principal) ? endpoint.healthDetail : null;
  }

  @ResolveField(() => EndpointStateChangeConnection)
  async stateHistory(@CurrentPrincipal() principal: Principal, @Parent() endpoint: EndpointRecord, @Args() page: PageArgs) {
    const request = pageRequest(page, this.config.GRAPHQL_MAX_PAGE_SIZE, TIME_ID_CURSOR);
    const result = await this.endpointService.stateHistory(principal, endpoint.id, request.size, request.after);
    return toConnection(result.rows, result.size, (row: EndpointStateChangeRecord) => [row.changedAt.toISOString(), row.id]);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: 'Creates an endpoint in state provisioning' })
  createEndpoint(@CurrentPrincipal() principal: Principal, @Args('input') input: CreateEndpointInput) {
    return this.endpointService.create(principal, input);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType)
  changeEndpointState(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('state', { type: () => EndpointStateEnum }) state: EndpointStateEnum,
    @Args('reason') reason: string,
  ) {
    return this.endpointService.changeState(principal, id, state, reason);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, {
    description:
      "Replaces the request fields the endpoint forwards beyond its driver's allow-list (at most 32 names); every other field is refused at the gateway",
  })
  setEndpointAllowedExtraFields(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('fields', { type: () => [String] }) fields: string[],
  ) {
    return this.endpointService.setAllowedExtraFields(principal, id, fields);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: "How the gateway spreads the endpoint's requests over its targets" })
  setEndpointLoadBalancing(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('mode', { type: () => LoadBalancingEnum }) mode: LoadBalancingEnum,
  ) {
    return this.endpointService.setLoadBalancing(principal, id, mode);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType)
  updateEndpointLimits(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('limits') limits: EndpointLimitsInput) {
    return this.endpointService.updateLimits(principal, id, limits);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: 'Replaces the upstream credential (write-only)' })
  rotateEndpointCredential(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string, @Args('credential') credential: string) {
    return this.endpointService.rotateCredential(principal, id, credential);
  }
}

/** Platform admins operate the infrastructure, regulators supervise it, tenant admins manage their institution's use of it. */
const INFRASTRUCTURE_READERS = ['platform-admin', 'regulator', 'tenant-admin'];

function maySeeInfrastructure(principal: Principal | undefined): boolean {
  return principal?.roles.some((role) => INFRASTRUCTURE_READERS.includes(role)) ?? false;
}
