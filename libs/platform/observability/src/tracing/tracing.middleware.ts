import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '@ai-commons/core';
import { traceRequest } from './request-span';
import type { Tracing } from './tracing';

/**
 * Express: the SERVER span of every request (after requestContextMiddleware, whose request id it
 * records and whose log lines then carry the trace id). `routes`: the paths named in span names.
 * Health probes (every few seconds from the orchestrator) are not traced.
 */
export function tracingMiddleware(tracing: Tracing, routes: ReadonlySet<string>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith('/health/')) return next();
    const state = RequestContext.current();
    traceRequest(tracing, req, res, routes.has(req.path) ? req.path : undefined, state?.requestId ?? 'unknown', (traceId) => {
      if (state && traceId) state.traceId = traceId;
      next();
    });
  };
}
