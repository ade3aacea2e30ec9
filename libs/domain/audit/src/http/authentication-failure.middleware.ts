import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '@ai-commons/core';
import type { AuthenticatedRequest } from '@ai-commons/auth';
import { actorOf } from '../events/actor';
import type { AuditBatchWriter } from '../writer/audit-batch-writer';

/**
 * Control plane: records every request whose credential failed authentication (bad, expired or
 * foreign token; unknown or inactive institution) as `authentication.failure`, batched. Runs after
 * the authentication middleware; anonymous requests are not failures (public routes allow them).
 */
export function auditAuthenticationFailures(writer: AuditBatchWriter) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const authentication = (req as unknown as AuthenticatedRequest).authentication;
    if (authentication?.status === 'failed') {
      const context = RequestContext.current();
      writer.append({
        id: randomUUID(),
        occurredAt: new Date(),
        tenantId: null,
        requestId: context?.requestId ?? null,
        actor: actorOf(undefined, context?.sourceAddress ?? req.socket.remoteAddress),
        action: 'authentication.failure',
        resourceType: 'control-plane',
        resourceId: req.path.slice(0, 200),
        outcome: 'denied',
        httpStatus: authentication.error.kind === 'forbidden' ? 403 : 401,
        details: { reason: authentication.error.code, method: req.method },
      });
    }
    next();
  };
}
