import { Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal } from '@ai-commons/auth';
import type { Principal } from '@ai-commons/core';
import { InstitutionService } from '../institution.service';
import { MeType } from './institution.types';

@Resolver(() => MeType)
export class MeResolver {
  constructor(private readonly institutions: InstitutionService) {}

  @Query(() => MeType, { description: "The caller's principal, roles and institution" })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeType> {
    return {
      subject: principal.subject,
      username: principal.username,
      roles: principal.roles,
      authMethod: principal.authMethod,
      clientId: principal.clientId,
      institution: principal.institutionId ? await this.institutions.get(principal, principal.institutionId) : null,
    };
  }
}
