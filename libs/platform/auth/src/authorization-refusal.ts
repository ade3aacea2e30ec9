import type { Principal, Role } from '@ai-commons/core';
import type { ForbiddenReason } from './auth-errors';

/** What the caller was refused: a GraphQL field (by its schema coordinate) or an HTTP route. */
export type RefusedTarget =
  { kind: 'graphql-field'; coordinate: string; operationType: string; operationName: string | null } | { kind: 'http-route'; method: string; path: string };

/** An authenticated caller the guard turned away for lacking a role. */
export interface RoleRefusal {
  principal: Principal;
  reason: ForbiddenReason;
  /** The roles of which the caller holds none. */
  required: readonly Role[];
  target: RefusedTarget;
}

/**
 * An authenticated caller whom a service refused after the guard let it in: a FORBIDDEN domain
 * error such as WRONG_INSTITUTION (a tenant admin naming another institution) or
 * TENANT_SCOPE_REQUIRED.
 */
export interface ServiceRefusal {
  principal: Principal;
  /** The domain error's specific code, e.g. `WRONG_INSTITUTION`. */
  reason: string;
  /** The module that raised it, e.g. `audit`. */
  module: string;
  target: RefusedTarget;
}

export type AuthorizationRefusal = RoleRefusal | ServiceRefusal;

/**
 * Told of every refusal before FORBIDDEN reaches the caller (the audit log records them): by the
 * guard for a missing role, by the refusal interceptor for a service's refusal. Platform code
 * cannot depend on the audit domain, so the composition root supplies it; it must not throw.
 */
export type AuthorizationRefusalListener = (refusal: AuthorizationRefusal) => void;
export const AUTHORIZATION_REFUSAL_LISTENER = Symbol('AUTHORIZATION_REFUSAL_LISTENER');
