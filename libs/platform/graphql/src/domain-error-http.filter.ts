import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError, type ErrorKind } from '@ai-commons/core';

const STATUS: Record<ErrorKind, number> = {
  'bad-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

/**
 * REST answers of the control plane's few HTTP routes (file downloads: audit export, isolation
 * report), next to the GraphQL mapping: domain errors (including the auth guard's) become their HTTP
 * status with `{ error: { code, reason, message } }`; anything else an opaque 500.
 */
@Catch()
export class DomainErrorHttpFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof DomainError) {
      res.status(STATUS[error.kind]).json({ error: { code: error.kind, reason: error.code, message: error.message } });
    } else if (error instanceof HttpException) {
      res.status(error.getStatus()).json({ error: { code: 'http', message: error.message } });
    } else {
      res.status(500).json({ error: { code: 'internal', message: 'Internal server error' } });
    }
  }
}
