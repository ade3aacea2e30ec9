import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext } from '@ai-commons/core';
import type { JsonLogger } from './json-logger';

// A caller-supplied id is kept only if it is short and plain, so it is safe to log and echo.
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && ACCEPTABLE_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Opens the request context (AsyncLocalStorage) for everything that follows, assigns the request
 * id (kept from `x-request-id` or generated), echoes it, and writes one access-log line at the end.
 */
export function requestContextMiddleware(logger: JsonLogger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const started = process.hrtime.bigint();
    res.setHeader('x-request-id', requestId);
    const state = { requestId, sourceAddress: req.socket.remoteAddress };
    res.on('finish', () => {
      RequestContext.run(state, () =>
        logger.event(res.statusCode >= 500 ? 'error' : 'info', 'http.request', {
          method: req.method,
          path: req.path,
          status: res.statusCode,
          durationMs: Number(process.hrtime.bigint() - started) / 1e6,
          principal: RequestContext.current()?.principal?.subject,
        }),
      );
    });
    RequestContext.run(state, () => next());
  };
}
