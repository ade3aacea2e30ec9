import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '@ai-commons/core';
import type { Authenticator } from './authenticator';
import type { AuthenticatedRequest } from './request-of';

/**
 * Authenticates every request once, before GraphQL validation runs (so e.g. field suggestions can
 * depend on it), and records the principal and default tenant scope in the request context.
 */
export function authenticationMiddleware(authenticator: Authenticator) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const header = req.headers.authorization;
    authenticator
      .authenticate(header)
      .then((result) => {
        (req as unknown as AuthenticatedRequest).authentication = result;
        const context = RequestContext.current();
        if (context && result.status === 'authenticated') {
          context.principal = result.principal;
          context.tenantScope = result.tenantScope;
        }
        next();
      })
      .catch(next);
  };
}
