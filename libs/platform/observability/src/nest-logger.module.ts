import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { RequestContext } from '@ai-commons/core';
import type { JsonLogger } from './json-logger';

/**
 * nestjs-pino for the Nest application's own log (bootstrap, exceptions, `Logger` in services):
 * the same pino logger, redaction and stdout as `JsonLogger`, and inside a request a child logger
 * bound to its request id. No access log here (`autoLogging: false`): requestContextMiddleware
 * writes it, because it runs first and so also sees requests refused before Nest's middleware
 * (GraphQL limits, the authentication brake).
 */
export function nestLoggerModule(logger: JsonLogger): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      logger: logger.pino,
      autoLogging: false,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      // requestContextMiddleware has opened the request context and chosen the id already.
      genReqId: (_req, res) => RequestContext.requestId() ?? String(res.getHeader('x-request-id') ?? 'unknown'),
      // The trace id beside the request id when tracing is on (tracingMiddleware set it before Nest's middleware).
      customProps: () => {
        const traceId = RequestContext.current()?.traceId;
        return traceId ? { traceId } : {};
      },
    },
  });
}
