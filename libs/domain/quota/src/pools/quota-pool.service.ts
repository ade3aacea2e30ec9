import { Injectable } from '@nestjs/common';
import { CROSS_TENANT_ROLES, hasAnyRole, isUuid, type Principal } from '@ai-commons/core';
import { TenantScopes } from '@ai-commons/database';
import { loadPoolDefinitions } from '../config/quota-pool-definition';
import { poolNotFound, toView, type QuotaPoolView } from './quota-pool-view';
import { isVisible, visibleMemberships } from './visible-memberships';

/**
 * Reads capacity pools: admins and regulators see every pool whole; members see the pools they
 * belong to, with their own member row and endpoints only, and without anyone's invested capital.
 * Weights need every member's capital, which members may not read: the pools are loaded in the
 * platform's system scope and filtered by what the caller's own scope shows (RLS).
 */
@Injectable()
export class QuotaPoolService {
  constructor(private readonly scopes: TenantScopes) {}

  async pools(principal: Principal, poolId?: string): Promise<QuotaPoolView[]> {
    if (poolId !== undefined && !isUuid(poolId)) throw poolNotFound(poolId);
    const visible = await this.scopes.read(principal, 'read quota pools', visibleMemberships);
    const crossTenant = hasAnyRole(principal, CROSS_TENANT_ROLES);
    const definitions = await this.scopes.system('quota pools for a view', (tx) => loadPoolDefinitions(tx, poolId));
    const views = definitions
      .filter((definition) => crossTenant || visible.some((row) => row.pool_id === definition.id))
      .map((definition) => {
        const view = toView(definition);
        return {
          ...view,
          endpoints: crossTenant ? view.endpoints : view.endpoints.filter((endpoint) => visible.some((row) => row.tenant_id === endpoint.institutionId)),
          members: view.members
            .filter((member) => crossTenant || isVisible(visible, definition.id, member.institutionId))
            .map((member) => (crossTenant ? member : { ...member, investedCapitalKrw: null })),
        };
      });
    if (poolId && !views.length) throw poolNotFound(poolId);
    return views;
  }

  async pool(principal: Principal, poolId: string): Promise<QuotaPoolView> {
    const [pool] = await this.pools(principal, poolId);
    return pool!;
  }
}
