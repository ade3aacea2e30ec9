import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '@ai-commons/core';
import type { AuthenticatedRequest } from '@ai-commons/auth';
import { routeOf } from '../authentication-failures/failure-window';
import type { AuthenticationFailures } from '../authentication-failures/authentication-failures';

/** Failures that are the platform's fault, not the caller's: counted, but they do not spend the caller's burst. */
const NOT_THE_CALLERS_FAULT = new Set(['SIGNING_KEY_UNAVAILABLE']);

function sourceOf(req: Request): string | undefined {
  return RequestContext.current()?.sourceAddress ?? req.socket.remoteAddress;
}

/**
 * Control plane, before authentication: a source address that spent its burst of failed
 * authentications gets 429 (with Retry-After) before its credential is looked at. Health probes
 * are never braked.
 */
export function brakeFailingSources(failures: AuthenticationFailures) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/health/')) return next();
    const verdict = failures.admit(sourceOf(req), routeOf(req.method, req.path));
    if (verdict.allowed) return next();
    const message = 'Too many failed authentication attempts from this address; retry later.';
    const reason = 'AUTHENTICATION_FAILURES_RATE_LIMITED';
    res.status(429).setHeader('retry-after', String(Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))));
    // In the shape each route answers errors in: GraphQL's `errors`, the REST routes' `error`.
    if (req.path === '/graphql') res.json({ errors: [{ message, extensions: { code: 'TOO_MANY_REQUESTS', reason } }] });
    else res.json({ error: { code: 'too_many_requests', reason, message } });
  };
}

/**
 * Control plane, after authentication: a credential that failed (bad, expired or foreign token;
 * unknown or inactive institution) is counted in the windowed `authentication.failure` aggregate —
 * one audit event per (source, reason, route) per window, never one per request — and spends its
 * source's burst. Anonymous requests are not failures (public routes allow them).
 */
export function auditAuthenticationFailures(failures: AuthenticationFailures) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const authentication = (req as unknown as AuthenticatedRequest).authentication;
    if (authentication?.status === 'failed') {
      const reason = authentication.error.code;
      const source = sourceOf(req);
      const route = routeOf(req.method, req.path);
      const status = authentication.error.kind === 'forbidden' ? 403 : 401;
      if (NOT_THE_CALLERS_FAULT.has(reason)) failures.recorder.record({ sourceAddress: source ?? 'unknown', reason, route, httpStatus: status });
      else failures.failed(source, reason, route, status);
    }
    next();
  };
}
