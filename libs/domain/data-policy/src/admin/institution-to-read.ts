import { CROSS_TENANT_ROLES, RequestContext, hasAnyRole, isUuid, type Principal } from '@ai-commons/core';
import { DataPolicyError } from '../data-policy-errors';

/**
 * Whose settings a read is about: platform admins and regulators name the institution; tenant admins
 * read their own (naming another is refused, not answered empty, as the setters do).
 */
export function institutionToRead(principal: Principal, institutionId: string | undefined): string {
  if (institutionId !== undefined && !isUuid(institutionId)) throw new DataPolicyError('INVALID_INSTITUTION_ID', 'institutionId is not an institution id');
  if (hasAnyRole(principal, CROSS_TENANT_ROLES)) {
    if (!institutionId) throw new DataPolicyError('TENANT_SCOPE_REQUIRED', 'Name the institution');
    return institutionId;
  }
  const scope = RequestContext.current()?.tenantScope;
  const own = scope?.kind === 'tenant' ? scope.tenantId : undefined;
  if (!own || (institutionId !== undefined && institutionId !== own))
    throw new DataPolicyError('TENANT_SCOPE_REQUIRED', "Only your own institution's settings");
  return own;
}
