import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '@ai-commons/core';
import { AuthError } from './auth-errors';
import { PUBLIC_KEY, ROLES_KEY } from './decorators';
import { requestOf } from './request-of';

/** The one global guard: authentication is required unless @Public(); @Roles() then narrows. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;

    const authentication = requestOf(context).authentication;
    if (!authentication || authentication.status === 'anonymous') {
      throw AuthError.unauthenticated('TOKEN_MISSING', 'Authentication required: send "Authorization: Bearer <token>"');
    }
    if (authentication.status === 'failed') throw authentication.error;

    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (required?.length && !authentication.principal.roles.some((role) => required.includes(role))) {
      throw AuthError.forbidden('ROLE_REQUIRED', `One of these roles is required: ${required.join(', ')}`, {
        required,
      });
    }
    return true;
  }
}
