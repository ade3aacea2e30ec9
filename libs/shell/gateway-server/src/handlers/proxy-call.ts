import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, SpanStatusCode, context, trace, type Span } from '@opentelemetry/api';
import { callerTraceHeaders, type EndpointLabels, type GatewayMetrics, type JsonLogger, type Tracing } from '@ai-commons/observability';
import {
  estimateChatRequest,
  estimateCompletionsRequest,
  estimateEmbeddingsRequest,
  estimateRerankRequest,
  estimateResponsesRequest,
  estimateScoreRequest,
} from '@ai-commons/token-count';
import { AdmittedCallFailure, GatewayError, modelNotFound } from '../http/openai-error';
import type { GatewayCaller } from '../auth/gateway-authentication';
import type { RouteEndpoint, RoutingTable } from '../routing/routing-table';
import type { BreakerVerdict } from '../upstream/circuit-breaker';
import { buildUpstreamPayload, requestTo, type UpstreamOperation, type UpstreamPayload } from '../upstream/upstream-request';
import { ReplicaLease, type Replicas } from '../upstream/replicas';
import { promptPrefixKey } from '../upstream/prompt-prefix';
import { checkForwardedFields } from '../upstream/forwarded-fields';
import { callUpstream, readAll } from '../upstream/upstream-client';
import { Cancellation } from '../upstream/cancellation';
import { SseEventSplitter, type TokenUsage } from '../upstream/sse-events';
import { CallMeter, usageBounds, type OpenCall, type UsageRecorder } from '@ai-commons/quota';
import { AdmissionRefused, NOTHING_DECIDED, type Admission, type AdmissionRequest, type RequestHooks, type UsageOutcome } from '@ai-commons/gateway-admission';

export interface ProxyDependencies {
  table: () => RoutingTable;
  /** The endpoints' replicas: balancing, per-replica breakers, requests in flight. */
  replicas: Replicas;
  usage: UsageRecorder;
  hooks: RequestHooks;
  connectRetries: number;
  logger: JsonLogger;
  /** Prometheus metrics (absent: not measured). */
  metrics?: GatewayMetrics;
  /** OpenTelemetry traces (absent: off, and no span is made). */
  tracing?: Tracing;
  /** This gateway's row in gateway_instances (usage recovery); absent: admission records carry no recovery facts. */
  gatewayInstanceId?: string;
  /** The caller's `x-ratelimit-*` headers for an endpoint (none: the endpoint has no rate limit). */
  rateLimits?: { headersFor(institutionId: string, endpointId: string): Record<string, string> | undefined };
}

export interface ProxyCall {
  requestId: string;
  caller: GatewayCaller;
  operation: UpstreamOperation;
  body: Record<string, unknown>;
  bodyBytes: number;
  model: string;
  stream: boolean;
  includeUsage: boolean;
  requestedMaxTokens?: number;
  /** The field `requestedMaxTokens` came from (named in a refusal). */
  requestedMaxTokensField?: string;
  /** `n`: completions asked for. */
  choices?: number;
  startedAt: number;
  dataClassificationHeader?: string;
}

const NO_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0 };

/** The caller's own endpoint for `model`, or the same 404 whether it is someone else's or absent. */
export function resolveEndpoint(table: RoutingTable, caller: GatewayCaller, model: string): RouteEndpoint {
  const endpoint = table.endpoint(caller.tenantId, model);
  if (!endpoint) throw modelNotFound(model);
  if (caller.apiKey?.endpointIds && !caller.apiKey.endpointIds.includes(endpoint.id)) {
    throw new GatewayError(403, 'permission_error', 'model_not_allowed_for_key', `This API key may not use the model \`${model}\`.`, 'model');
  }
  if (endpoint.state !== 'active') {
    throw new GatewayError(503, 'api_error', 'endpoint_draining', `The model \`${model}\` is being drained and takes no new requests.`, 'model', {
      'retry-after': '30',
    });
  }
  return endpoint;
}

/**
 * One model call through the gateway: resolve the endpoint, check limits, pass the admission seam,
 * call one of its replicas (chosen by the endpoint's load balancing, skipping ejected ones; a
 * connection failure retried on another), relay the answer —
 * streamed chunk by chunk when asked — and record usage.
 *
 * Errors before admission are thrown as they are, an admission refusal as AdmissionRefused (with
 * its decision record): the server answers both and reports the refusal, once. A failure after
 * admission is thrown as AdmittedCallFailure: answered, not reported (its completion record says
 * how it ended).
 */
export async function proxyCall(call: ProxyCall, req: IncomingMessage, res: ServerResponse, deps: ProxyDependencies): Promise<void> {
  const endpoint = resolveEndpoint(deps.table(), call.caller, call.model);
  // Every answer from here on carries the caller's standing: after admission from the state it
  // committed (this request included); a refusal before admission from the state last seen.
  const reportRateLimits = () => setHeaders(res, deps.rateLimits?.headersFor(call.caller.tenantId, endpoint.id));
  try {
    checkBeforeAdmission(call, endpoint);
  } catch (error) {
    reportRateLimits();
    throw error;
  }

  // Everything the model reads (an upper bound of the simulator's count) and may write.
  const estimate =
    call.operation === 'chat'
      ? estimateChatRequest(call.body, { imageTokens: endpoint.imageInputTokens }, call.requestedMaxTokens ?? endpoint.defaultMaxTokens)
      : call.operation === 'completions'
        ? estimateCompletionsRequest(call.body, call.requestedMaxTokens ?? endpoint.defaultMaxTokens)
        : call.operation === 'responses'
          ? estimateResponsesRequest(call.body, call.requestedMaxTokens ?? endpoint.defaultMaxTokens)
          : call.operation === 'score'
            ? estimateScoreRequest(call.body)
            : call.operation === 'rerank'
              ? estimateRerankRequest(call.body)
              : estimateEmbeddingsRequest(call.body);
  const meter = new CallMeter(estimate, usageBounds(estimate, endpoint), (reported, bounds) =>
    deps.logger.event('warn', 'usage.upstream_implausible', { requestId: call.requestId, endpointId: endpoint.id, reported, bounds }),
  );

  // The replica is chosen before admission (and right before the try that settles it): with every replica ejected, nothing is reserved.
  const prefixKey = endpoint.loadBalancing === 'prefix-affinity' ? promptPrefixKey(call.operation, call.body) : undefined;
  const picked = deps.replicas.pick(endpoint, Date.now(), prefixKey);
  if (!(picked instanceof ReplicaLease)) {
    reportRateLimits();
    throw replicasUnavailable(picked.retryAfterMs);
  }
  const attempt = { lease: picked, prefixKey };
  let verdict: BreakerVerdict = 'neutral';
  // From before its admission record is written until its usage record is: what recovery would need.
  const openCall = deps.usage.begin();
  const callId = randomUUID();
  let owesUsage = false;
  try {
    const facts: AdmissionRequest = Object.freeze({
      requestId: call.requestId,
      caller: call.caller,
      endpoint,
      operation: call.operation,
      estimatedTokens: estimate.promptTokens + estimate.outputTokens,
      body: call.body,
      startedAt: call.startedAt,
      dataClassificationHeader: call.dataClassificationHeader,
      recovery: deps.gatewayInstanceId
        ? { callId, gatewayInstanceId: deps.gatewayInstanceId, estimatedPromptTokens: estimate.promptTokens, stream: call.stream }
        : undefined,
    });
    const decision = await deps.hooks.decide(facts, NOTHING_DECIDED);
    reportRateLimits();
    if (decision.decision === 'refuse') throw new AdmissionRefused(decision.refusal, facts);
    const admission = decision.admission ?? NOTHING_OWED;
    // Awaited before responding; marked handled now so an early upstream failure leaves no stray rejection.
    admission.readyToRespond?.catch(() => undefined);
    owesUsage = true;
    // What the upstream receives: the masked body when the policy masked, else the body as sent.
    verdict = await callAdmitted(
      call,
      decision.decision === 'mask' ? decision.body : call.body,
      endpoint,
      attempt,
      meter,
      admission,
      res,
      deps,
      decision.useCase?.id ?? null,
      { openCall, callId },
      // Not traced (tracing off, or this request not sampled): the caller's own trace context still reaches the model server.
      deps.tracing?.recordedSpan() || req.headers.traceparent === undefined ? undefined : callerTraceHeaders(req.headers),
    );
  } catch (error) {
    if (error instanceof AdmittedCallFailure) verdict = error.breakerVerdict;
    throw error;
  } finally {
    if (!owesUsage) deps.usage.forget(openCall);
    attempt.lease.settle(verdict);
  }
}

function replicasUnavailable(retryAfterMs: number): GatewayError {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new GatewayError(503, 'api_error', 'upstream_unavailable', 'The model endpoint is failing; requests are paused briefly (circuit open).', null, {
    'retry-after': String(seconds),
    'retry-after-ms': String(retryAfterMs),
  });
}

/** The replica of the current upstream attempt (a connection failure moves the call to another). */
interface Attempt {
  lease: ReplicaLease;
  prefixKey: number | undefined;
}

/** The endpoint's own limits on the request (size, forwarded fields, max_tokens, n). */
function checkBeforeAdmission(call: ProxyCall, endpoint: RouteEndpoint): void {
  if (call.bodyBytes > endpoint.maxRequestBytes) {
    throw new GatewayError(413, 'invalid_request_error', 'request_too_large', `Request body exceeds this model's limit of ${endpoint.maxRequestBytes} bytes`);
  }
  checkForwardedFields(call.body, endpoint.driver, call.operation, endpoint.allowedExtraFields);
  if (call.requestedMaxTokens !== undefined && call.requestedMaxTokens > endpoint.maxOutputTokens) {
    const field = call.requestedMaxTokensField ?? 'max_tokens';
    throw new GatewayError(400, 'invalid_request_error', 'max_tokens_exceeded', `${field} may be at most ${endpoint.maxOutputTokens} for this model`, field);
  }
  const choices = call.choices ?? 1;
  if (choices > endpoint.maxChoices) {
    throw new GatewayError(400, 'invalid_request_error', 'n_exceeded', `n may be at most ${endpoint.maxChoices} for this model`, 'n');
  }
}

/** Headers every later writeHead of this response merges in (a status written with writeHead keeps them). */
function setHeaders(res: ServerResponse, headers: Record<string, string> | undefined): void {
  if (!headers || res.headersSent) return;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

const NOTHING_OWED: Admission = { complete: () => undefined };

/** The admitted call: upstream, relay, usage. Resolves to the breaker's verdict, or throws an AdmittedCallFailure carrying it. */
async function callAdmitted(
  call: ProxyCall,
  forwarded: Readonly<Record<string, unknown>>,
  endpoint: RouteEndpoint,
  attempt: Attempt,
  meter: CallMeter,
  admission: Admission,
  res: ServerResponse,
  deps: ProxyDependencies,
  /** The use case the request runs under (the usage record carries it). */
  useCaseId: string | null,
  /** The call as usage recovery knows it (its admission record carries the same id). */
  usageCall: { openCall: OpenCall; callId: string },
  callerTrace?: { traceparent: string; tracestate?: string },
): Promise<BreakerVerdict> {
  const body: Record<string, unknown> = { ...forwarded };
  if (call.operation === 'responses' && call.requestedMaxTokens === undefined) body.max_output_tokens = endpoint.defaultMaxTokens;
  if (call.operation === 'chat' || call.operation === 'completions') {
    if (call.requestedMaxTokens === undefined) body.max_tokens = endpoint.defaultMaxTokens;
    // Always ask for usage, to meter streams; the extra chunk is dropped unless the caller asked.
    if (call.stream) body.stream_options = { ...(body.stream_options as object | undefined), include_usage: true };
  }

  let outcome: UsageOutcome = 'upstream_error';
  let httpStatus = 502;
  // Label values from the routing table only (the endpoint the call was routed to), never from the request.
  const labels: EndpointLabels | undefined = deps.metrics && {
    endpointId: endpoint.id,
    institution: call.caller.principal.institutionSlug ?? 'unknown',
    endpoint: endpoint.name,
    model: endpoint.upstreamModel,
  };
  let firstChunkAt: number | undefined;
  // The model server's share: request sent until its response headers.
  let upstreamSentAt: number | undefined;
  let upstreamAnsweredAt: number | undefined;
  // The upstream call's span (tracing on): its context goes to the model server as `traceparent`.
  const upstreamSpan: Span | undefined = deps.tracing?.startSpan(
    'gateway.upstream',
    {
      'gen_ai.operation.name': call.operation,
      'gen_ai.request.model': endpoint.upstreamModel,
      'ai_commons.endpoint': endpoint.name,
      'ai_commons.stream': call.stream,
      'http.request.method': 'POST',
    },
    SpanKind.CLIENT,
  );
  const finish = () => {
    const latencyMs = performance.now() - call.startedAt;
    // Tokens are never free: a caller who leaves pays for what the model read and what it was sent.
    const charged = outcome === 'success' || outcome === 'cancelled' ? meter.charge() : NO_USAGE;
    if (labels) {
      deps.metrics!.observeCall(labels, {
        outcome,
        status: httpStatus,
        latencyMs,
        ttftMs: firstChunkAt === undefined ? undefined : firstChunkAt - call.startedAt,
        upstreamMs: upstreamAnsweredAt === undefined ? undefined : upstreamAnsweredAt - upstreamSentAt!,
        promptTokens: charged.promptTokens,
        completionTokens: charged.completionTokens,
      });
    }
    admission.complete({ httpStatus, outcome, usage: charged, latencyMs });
    if (upstreamSpan) endUpstreamSpan(upstreamSpan, outcome, charged);
    deps.usage.record(
      {
        tenantId: call.caller.tenantId,
        requestId: call.requestId,
        endpointId: endpoint.id,
        endpointName: endpoint.name,
        model: endpoint.upstreamModel,
        apiKeyId: call.caller.apiKey?.id ?? null,
        useCaseId,
        principalSubject: call.caller.principal.subject,
        promptTokens: charged.promptTokens,
        completionTokens: charged.completionTokens,
        latencyMs,
        httpStatus,
        outcome,
        streamed: call.stream,
        occurredAt: new Date(),
        callId: usageCall.callId,
      },
      usageCall.openCall,
    );
  };

  const cancellation = new Cancellation();
  const onClientGone = () => {
    if (!res.writableEnded) cancellation.cancel('client-gone');
  };
  res.once('close', onClientGone);
  const totalTimer = setTimeout(
    () => cancellation.cancel(new GatewayError(504, 'timeout_error', 'upstream_timeout', `The model did not finish within ${endpoint.requestTimeoutMs} ms`)),
    endpoint.requestTimeoutMs,
  );

  let upstream: IncomingMessage | undefined;
  // Unset while the request is being built: a failure then is the gateway's, never the endpoint's.
  let request: UpstreamPayload | undefined;
  let recordsDurable = admission.readyToRespond === undefined;
  try {
    const sent = (request = buildUpstreamPayload(endpoint, body, call.requestId));
    // The trace context goes in the payload's headers: every attempt (replica) carries the same one.
    if (upstreamSpan) deps.tracing!.inject(trace.setSpan(context.active(), upstreamSpan), sent.headers);
    else if (callerTrace) Object.assign(sent.headers, callerTrace);
    const tried = new Set<string>();
    if (labels) upstreamSentAt = performance.now();
    upstream = await callUpstream(
      {
        request: (attemptNumber) => {
          if (attemptNumber > 0) {
            // The last attempt never reached its replica: another one (if any is up) gets the retry.
            const next = deps.replicas.pick(endpoint, Date.now(), attempt.prefixKey, tried);
            if (!(next instanceof ReplicaLease)) throw replicasUnavailable(next.retryAfterMs);
            attempt.lease = next;
          }
          const attemptRequest = requestTo(endpoint, attempt.lease.target, call.operation, sent);
          upstreamSpan?.setAttributes({ 'server.address': attemptRequest.target.hostname, 'server.port': attemptRequest.target.port });
          return attemptRequest;
        },
        connectFailed: () => {
          tried.add(attempt.lease.target.id);
          attempt.lease.settle('failure');
        },
      },
      { connectTimeoutMs: endpoint.connectTimeoutMs, firstByteTimeoutMs: endpoint.firstByteTimeoutMs },
      deps.connectRetries,
      cancellation,
    );
    if (labels) upstreamAnsweredAt = performance.now();
    // Nothing reaches the caller before the admission's durable records are committed; a caller
    // who leaves, or whose time runs out, meanwhile is answered at once, not after the commit.
    if (!recordsDurable) {
      await Promise.race([admission.readyToRespond, cancellation.whenCancelled()]);
      recordsDurable = true;
    }
    const status = upstream.statusCode ?? 502;
    upstreamSpan?.setAttribute('http.response.status_code', status);
    if (status >= 500 || status === 429) {
      await readAll(upstream).catch(() => undefined);
      throw new GatewayError(
        status === 429 ? 503 : 502,
        'upstream_error',
        status === 429 ? 'upstream_overloaded' : 'upstream_error',
        `The model endpoint answered ${status}`,
      );
    }
    if (status >= 400) {
      // The caller's mistake as judged by the model server: relay it as is.
      const payload = await readAll(upstream);
      outcome = 'client_error';
      httpStatus = status;
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': call.requestId });
      admission.observeResponse?.(payload);
      res.end(payload);
      return 'success';
    }
    if (call.stream) {
      if (labels) deps.metrics!.streamOpened(labels);
      try {
        await relayStream(upstream, res, call, endpoint, meter, admission.observeResponse?.bind(admission), () => {
          if (firstChunkAt !== undefined) return;
          firstChunkAt = performance.now();
          // Time to first token: request received to first chunk relayed (as the TTFT histogram).
          upstreamSpan?.addEvent('gen_ai.first_token', { 'ai_commons.ttft_ms': firstChunkAt - call.startedAt });
        });
      } finally {
        if (labels) deps.metrics!.streamClosed(labels);
      }
    } else {
      const payload = await readAll(upstream);
      meter.observeBody(safeJson(payload));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': payload.length, 'x-request-id': call.requestId });
      admission.observeResponse?.(payload);
      res.end(payload);
    }
    outcome = 'success';
    httpStatus = 200;
    return 'success';
  } catch (error) {
    if (cancellation.cancelled && !(cancellation.reason instanceof GatewayError)) {
      outcome = 'cancelled';
      httpStatus = 499;
      return 'neutral';
    }
    const failure = !request
      ? new GatewayError(500, 'api_error', 'upstream_request_unbuildable', 'The gateway could not build the request for the model endpoint')
      : cancellation.reason instanceof GatewayError
        ? cancellation.reason
        : error instanceof GatewayError
          ? error
          : upstreamBroke(error);
    // Nothing was sent (the request could not be built), or the endpoint answered but the answer
    // could not be recorded in time (audit log down or slow): neither is the endpoint's fault.
    const verdict: BreakerVerdict = !request || (upstream && !recordsDurable) ? 'neutral' : 'failure';
    httpStatus = failure.status;
    if (res.headersSent) {
      // Mid-stream: the status is gone, so say it in the stream and end it.
      if (!res.writableEnded) {
        const line = `data: ${failure.body()}\n\n`;
        admission.observeResponse?.(line);
        res.end(line);
      }
      return verdict;
    }
    // Marked as the failure of an admitted call: its completion record says how it ended, so the
    // server answers it without reporting a refusal. The breaker's verdict is settled on the way out.
    throw new AdmittedCallFailure(failure, verdict);
  } finally {
    clearTimeout(totalTimer);
    cancellation.onCancel(undefined);
    // An answer not relayed (its records failed, or the caller's time ran out) must not pin its
    // connection: drained if it has fully arrived (the socket goes back to the pool), else cut off.
    if (upstream && !upstream.readableEnded && !upstream.destroyed) {
      if (upstream.complete) upstream.resume();
      else upstream.destroy();
    }
    res.off('close', onClientGone);
    finish();
  }
}

/**
 * Ends the upstream span with what the call used. The usage record, queued for the batch writer
 * right after, is an event of it rather than a span of its own (an append to a queue: the span
 * would time nothing, and its outcome and tokens are these attributes).
 */
function endUpstreamSpan(span: Span, outcome: UsageOutcome, charged: TokenUsage): void {
  span.addEvent('gateway.usage_record');
  span.setAttributes({
    'ai_commons.outcome': outcome,
    'gen_ai.usage.input_tokens': charged.promptTokens,
    'gen_ai.usage.output_tokens': charged.completionTokens,
  });
  if (outcome === 'upstream_error') span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

function upstreamBroke(error: unknown): GatewayError {
  return new GatewayError(502, 'upstream_error', 'upstream_connection_error', `The model endpoint connection broke (${(error as Error).message})`);
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Passes SSE events through as they arrive; meters them; drops the usage chunk unless asked for. */
function relayStream(
  upstream: IncomingMessage,
  res: ServerResponse,
  call: ProxyCall,
  endpoint: RouteEndpoint,
  meter: CallMeter,
  observe: (chunk: string) => void = () => undefined,
  onRelayed: () => void = () => undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (upstream.destroyed) {
      return reject(new GatewayError(502, 'upstream_error', 'upstream_stream_incomplete', 'The model stream was cut off'));
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': call.requestId,
    });
    res.flushHeaders();
    const splitter = new SseEventSplitter();
    let sawDone = false;
    let stall: GatewayError | undefined;
    // A stream that goes quiet for longer than the first-byte timeout is treated as stalled.
    const onIdle = () => {
      stall = new GatewayError(504, 'timeout_error', 'upstream_stalled', `The model stopped sending for ${endpoint.firstByteTimeoutMs} ms`);
      upstream.destroy(stall);
    };
    let idle = setTimeout(onIdle, endpoint.firstByteTimeoutMs);
    upstream.on('data', (chunk: Buffer) => {
      clearTimeout(idle);
      idle = setTimeout(onIdle, endpoint.firstByteTimeoutMs);
      let out = '';
      for (const event of splitter.push(chunk)) {
        const info = meter.observeEvent(event);
        if (info.done) sawDone = true;
        if (info.usageOnly && !call.includeUsage) continue;
        out += event;
      }
      if (out) {
        observe(out);
        res.write(out);
        onRelayed();
      }
    });
    upstream.once('end', () => {
      clearTimeout(idle);
      const rest = splitter.rest();
      if (rest) {
        meter.observeEvent(rest);
        observe(rest);
        res.write(rest);
      }
      if (!sawDone) return reject(new GatewayError(502, 'upstream_error', 'upstream_stream_incomplete', 'The model stream ended early'));
      res.end();
      resolve();
    });
    upstream.once('error', (error) => {
      clearTimeout(idle);
      reject(stall ?? (error instanceof GatewayError ? error : upstreamBroke(error)));
    });
    upstream.once('aborted', () => {
      clearTimeout(idle);
      reject(stall ?? new GatewayError(502, 'upstream_error', 'upstream_stream_incomplete', 'The model stream was cut off'));
    });
  });
}
