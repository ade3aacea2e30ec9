import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { parseTraceParent } from '@opentelemetry/core';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import type { Tracing } from './tracing';

/** Span attribute with the request id the log lines carry. */
export const ATTR_REQUEST_ID = 'ai_commons.request_id';

/**
 * The SERVER span of one incoming request, when `tracing.sampleRequest` records it: a child of the
 * caller's `traceparent` when it sent a valid one, else a new trace. `handle` runs with the span
 * active and gets its trace id (for the log lines); the span ends when the response is finished or
 * the connection closes. `route` is one of the service's own routes (a fixed set): an unknown path
 * is named by its method alone, so span names stay bounded whatever callers send.
 *
 * A request that is not recorded gets nothing (no span, ids, context or listener): `handle` runs
 * as it is, with the caller's trace id when it sent one (its log lines can still be found by it).
 */
export function traceRequest(
  tracing: Tracing,
  req: IncomingMessage,
  res: ServerResponse,
  route: string | undefined,
  requestId: string,
  handle: (traceId: string | undefined) => void,
): void {
  const parent = tracing.sampleRequest(req.headers);
  if (!parent) return handle(typeof req.headers.traceparent === 'string' ? parseTraceParent(req.headers.traceparent)?.traceId : undefined);
  const method = req.method ?? 'GET';
  const span = tracing.tracer.startSpan(
    route ? `${method} ${route}` : method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_PATH]: (req.url ?? '/').split('?')[0],
        [ATTR_REQUEST_ID]: requestId,
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
      },
    },
    parent,
  );
  res.once('close', () => {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    else if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'client closed the connection' });
    span.end();
  });
  context.with(trace.setSpan(context.active(), span), () => handle(span.spanContext().traceId));
}

/** Longest `tracestate` passed on (W3C allows 32 members; a longer header is dropped, not cut). */
const MAX_TRACESTATE = 512;

/**
 * A request the gateway does not trace (tracing off, or not sampled) passes a caller's valid
 * `traceparent` (and `tracestate`) to the model server unchanged, so the model server's spans
 * still join the caller's trace (and follow its sampled flag); a malformed one is dropped.
 */
export function callerTraceHeaders(headers: IncomingHttpHeaders): { traceparent: string; tracestate?: string } | undefined {
  const traceparent = headers.traceparent;
  if (typeof traceparent !== 'string' || !parseTraceParent(traceparent)) return undefined;
  const tracestate = headers.tracestate;
  return typeof tracestate === 'string' && tracestate.length <= MAX_TRACESTATE && /^[\x20-\x7e]*$/.test(tracestate)
    ? { traceparent, tracestate }
    : { traceparent };
}
