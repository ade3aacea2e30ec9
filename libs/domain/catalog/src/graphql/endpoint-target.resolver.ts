import { Args, ID, Int, Mutation, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Roles } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { EndpointTargetService } from '../targets/target.service';
import { EndpointType } from './endpoint.types';

/** An endpoint's upstream replicas. Each mutation answers with the endpoint, its targets included. */
@Resolver()
export class EndpointTargetResolver {
  constructor(private readonly targets: EndpointTargetService) {}

  @Roles('platform-admin')
  @Mutation(() => EndpointType, {
    description: 'Adds an upstream replica (the upstream URL rules; weight 1-1000, default 1); at most 16 per endpoint. It takes requests at once.',
  })
  addEndpointTarget(
    @CurrentPrincipal() principal: Principal,
    @Args('endpointId', { type: () => ID }) endpointId: string,
    @Args('url') url: string,
    @Args('weight', { type: () => Int, nullable: true }) weight?: number | null,
  ) {
    return this.targets.add(principal, endpointId, url, weight ?? 1);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: "Sets a target's share of new requests (1-1000)" })
  setEndpointTargetWeight(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
    @Args('weight', { type: () => Int }) weight: number,
  ) {
    return this.targets.setWeight(principal, id, weight);
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, {
    description: 'The gateway sends the target no new request (requests in flight finish); the last active target cannot be drained',
  })
  drainEndpointTarget(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.targets.setState(principal, id, 'draining');
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: 'A drained target takes new requests again' })
  activateEndpointTarget(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.targets.setState(principal, id, 'active');
  }

  @Roles('platform-admin')
  @Mutation(() => EndpointType, { description: 'Removes a target (drain it first to let its requests finish); the last active target cannot be removed' })
  removeEndpointTarget(@CurrentPrincipal() principal: Principal, @Args('id', { type: () => ID }) id: string) {
    return this.targets.remove(principal, id);
  }
}
