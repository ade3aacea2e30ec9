import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from '@ai-commons/core';
import { requestOf } from './request-of';

export const PUBLIC_KEY = 'ai-commons:public';
export const ROLES_KEY = 'ai-commons:roles';

/** The route or resolver needs no authentication (health checks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);

/**
 * Any authenticated caller, whatever its roles (a token with no ai-commons role included). Says in
 * the code what the guard does without @Roles, so the default is never the only documentation.
 */
export const Authenticated = (): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, []);

/** The caller must hold at least one of these realm roles. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Injects the authenticated principal (the guard has already ensured there is one). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal | undefined => {
  const authentication = requestOf(context).authentication;
  return authentication?.status === 'authenticated' ? authentication.principal : undefined;
});
