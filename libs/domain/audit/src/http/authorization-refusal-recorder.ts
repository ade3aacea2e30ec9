import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS, RequestContext } from '@ai-commons/core';
import type { AuthorizationRefusal, AuthorizationRefusalListener, RefusedTarget } from '@ai-commons/auth';
import { actorOf } from '../events/actor';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';

/**
 * Control plane: records every refused operation as `authorization.denied` — the auth guard's
 * missing-role refusals and the FORBIDDEN errors services raise (WRONG_INSTITUTION,
 * TENANT_SCOPE_REQUIRED…) — batched like authentication failures: the refusal changed nothing (a
 * service's transaction has rolled back), so its answer does not wait for the commit, and a failed
 * write keeps the record for the next one. The event belongs to the caller's institution (its
 * admins see their members' refusals, no other institution does); a platform user's refusal is a
 * platform event (platform admins, regulators).
 */
export function auditAuthorizationRefusals(writer: AuditBatchWriter): AuthorizationRefusalListener {
  return (refusal) => {
    const { principal, target } = refusal;
    const context = RequestContext.current();
    writer.append({
      id: randomUUID(),
      occurredAt: new Date(),
      tenantId: principal.institutionId ?? null,
      requestId: context?.requestId ?? null,
      actor: actorOf(principal, context?.sourceAddress),
      action: AUDIT_ACTIONS.authorizationDenied,
      resourceType: target.kind,
      resourceId: resourceIdOf(target).slice(0, 200),
      outcome: 'denied',
      // The refusal's HTTP class, as authentication.failure records 401/403 (GraphQL answers 200).
      httpStatus: 403,
      details: {
        code: 'FORBIDDEN',
        reason: refusal.reason,
        ...whoRefused(refusal),
        ...(target.kind === 'graphql-field' ? { operationType: target.operationType, operationName: target.operationName } : {}),
      },
    });
  };
}

/** The guard names the roles that were missing; a service names its module. */
function whoRefused(refusal: AuthorizationRefusal): Record<string, unknown> {
  return 'required' in refusal ? { requiredRoles: [...refusal.required] } : { module: refusal.module };
}

function resourceIdOf(target: RefusedTarget): string {
  return target.kind === 'graphql-field' ? target.coordinate : `${target.method} ${target.path}`;
}
