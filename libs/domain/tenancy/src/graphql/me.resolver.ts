import { Query, Resolver } from '@nestjs/graphql';
import { Authenticated, CurrentPrincipal } from '@ai-commons/auth';
import { RequestContext, hasAnyRole, TENANT_ROLES, type Principal } from '@ai-commons/core';
import { InstitutionService } from '../institution.service';
import { MeType } from './institution.types';

@Resolver(() => MeType)
export class MeResolver {
  constructor(private readonly institutions: InstitutionService) {}

  @Authenticated()
  @Query(() => MeType, { description: "The caller's principal, roles and institution" })
  async me(@CurrentPrincipal() principal: Principal): Promise<MeType> {
    return {
      subject: principal.subject,
      username: principal.username,
      roles: principal.roles,
      authMethod: principal.authMethod,
      clientId: principal.clientId,
      // Only members acting for their institution (tenant roles) may read it.
      institution:
        principal.institutionId && hasAnyRole(principal, TENANT_ROLES) && RequestContext.current()?.tenantScope
          ? await this.institutions.get(principal, principal.institutionId)
          : null,
    };
  }
}
