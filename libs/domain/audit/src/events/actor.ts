import type { Principal } from '@ai-commons/core';
import type { AuditActor } from './audit-event';

/** The audit actor of a principal (or of an unauthenticated caller) at a source address. */
export function actorOf(principal: Principal | undefined, sourceAddress: string | undefined | null): AuditActor {
  if (!principal) return { subject: 'anonymous', sourceAddress: sourceAddress ?? null };
  return {
    subject: principal.subject,
    username: principal.username,
    institutionId: principal.institutionId ?? null,
    roles: principal.roles,
    clientId: principal.clientId,
    authMethod: principal.authMethod,
    sourceAddress: sourceAddress ?? null,
  };
}
