import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import { AUTHORIZATION_REFUSAL_LISTENER, type AuthorizationRefusalListener } from './authorization-refusal';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import { refusedTargetOf } from './refused-target';
import { requestOf } from './request-of';

/**
 * The one global guard: authentication is required unless @Public(); @Roles() then narrows. A role
 * refusal is reported to the refusal listener (the audit log) here, so every GraphQL field and REST
 * route is covered once; failed authentication is not reported again (it has its own record).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() @Inject(AUTHORIZATION_REFUSAL_LISTENER) private readonly onRefused?: AuthorizationRefusalListener,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const authentication = requestOf(context).authentication;
    if (!authentication || authentication.status === 'anonymous') {
      throw AuthError.unauthenticated('TOKEN_MISSING', 'Authentication required: send "Authorization: Bearer <token>"');
    }
    if (authentication.status === 'failed') throw authentication.error;

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    const { principal } = authentication;
    if (required?.length && !principal.roles.some((role) => required.includes(role))) {
      this.onRefused?.({ principal, reason: 'ROLE_REQUIRED', required, target: refusedTargetOf(context) });
      throw AuthError.forbidden('ROLE_REQUIRED', `One of these roles is required: ${required.join(', ')}`, {
        required,
      });
    }
    return true;
  }
}
