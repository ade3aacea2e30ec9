import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { AuthenticationResult } from './authenticator';

export interface AuthenticatedRequest {
  authentication?: AuthenticationResult;
  headers: Record<string, string | string[] | undefined>;
}

/** The underlying HTTP request for both REST handlers and GraphQL resolvers. */
export function requestOf(context: ExecutionContext): AuthenticatedRequest {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: AuthenticatedRequest }>().req;
  }
  return context.switchToHttp().getRequest<AuthenticatedRequest>();
}
