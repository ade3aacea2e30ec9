import type { Principal, Role } from '@ai-commons/core';
import type { ForbiddenReason } from './auth-errors';

/** What the caller was refused: a GraphQL field (by its schema coordinate) or an HTTP route. */
export type RefusedTarget =
  | { kind: 'graphql-field'; coordinate: string; operationType: string; operationName: string | null }
  | { kind: 'http-route'; method: string; path: string };

/** An authenticated caller the guard turned away for lacking a role. */
export interface AuthorizationRefusal {
  principal: Principal;
  reason: ForbiddenReason;
  /** The roles of which the caller holds none. */
  required: readonly Role[];
  target: RefusedTarget;
}

/**
 * Told of every refusal before the guard throws FORBIDDEN (the audit log records them). Platform
 * code cannot depend on the audit domain, so the composition root supplies it; it must not throw.
 */
export type AuthorizationRefusalListener = (refusal: AuthorizationRefusal) => void;
export const AUTHORIZATION_REFUSAL_LISTENER = Symbol('AUTHORIZATION_REFUSAL_LISTENER');
