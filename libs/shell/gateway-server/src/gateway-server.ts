import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { RequestContext, type RequestContextState } from '@ai-commons/core';
import { requestIdFrom, traceRequest, type JsonLogger } from '@ai-commons/observability';
import { AdmissionRefused, type AdmissionRequest, type RefusalRecord } from '@ai-commons/gateway-admission';
import { AdmittedCallFailure, GatewayError, sendError } from './http/openai-error';
import { parseJsonObject, readBody } from './http/read-body';
import { answerClientError } from './http/client-error';
import { applyCors } from './http/cors';
import {
  validateChatRequest,
  validateCompletionsRequest,
  validateEmbeddingsRequest,
  validateRerankRequest,
  validateResponsesRequest,
  validateScoreRequest,
} from './http/request-validation';
import type { GatewayAuthentication } from './auth/gateway-authentication';
import { proxyCall, type ProxyDependencies } from './handlers/proxy-call';
import { throttleReason } from './metrics/throttle-reason';
import { DATA_CLASSIFICATION_HEADER } from '@ai-commons/data-policy';

export interface GatewayServerDependencies extends ProxyDependencies {
  authentication: GatewayAuthentication;
  maxBodyBytes: number;
  /** Deepest JSON nesting of a body (refused before parsing). */
  maxJsonDepth: number;
  /** Time a client has to send its headers, and its whole request (ms). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  ready: () => Promise<{ ok: boolean; checks: Record<string, unknown> }>;
  /** Browser origins answered with CORS (the console's playground); empty: none. */
  corsOrigins?: ReadonlySet<string>;
  logger: JsonLogger;
  /**
   * Told, once, about every request refused (answered with an error before admission, or refused by
   * an admission hook, then with the request and the hook's record). The answer waits for it.
   */
  onRefused?: (refusal: GatewayRefusalReport) => Promise<void> | void;
}

export interface GatewayRefusalReport {
  status: number;
  code: string;
  method?: string;
  path?: string;
  atAdmission?: { request: AdmissionRequest; record: RefusalRecord };
  /** The request an admission hook refused (with or without a decision record). */
  admissionRequest?: AdmissionRequest;
}

/**
 * The caller's `x-data-classification`, if sent: exactly once and not blank. An empty or repeated
 * header is refused rather than read as "no header" (which would fall back to a default).
 */
function dataClassificationHeaderOf(req: IncomingMessage): string | undefined {
  // headersDistinct builds arrays for every header of the request: only worth it when this one was sent.
  if (req.headers[DATA_CLASSIFICATION_HEADER] === undefined) return undefined;
  const values = req.headersDistinct[DATA_CLASSIFICATION_HEADER];
  if (values === undefined) return undefined;
  // A comma list is the same header repeated (RFC 9110 §5.3), folded by a proxy or the client.
  if (values.length !== 1 || values[0].trim() === '' || values[0].includes(',')) {
    throw new GatewayError(
      400,
      'invalid_request_error',
      'invalid_data_classification',
      `${DATA_CLASSIFICATION_HEADER} must be sent once, with one classification`,
      DATA_CLASSIFICATION_HEADER,
    );
  }
  return values[0];
}

function sendJson(res: ServerResponse, status: number, value: unknown, requestId: string): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': requestId });
  res.end(body);
}

const ROUTES = new Map<string, 'chat' | 'completions' | 'embeddings' | 'rerank' | 'score' | 'responses' | 'models'>([
  ['/v1/chat/completions', 'chat'],
  ['/v1/completions', 'completions'],
  ['/v1/embeddings', 'embeddings'],
  ['/v1/rerank', 'rerank'],
  ['/v1/score', 'score'],
  ['/v1/responses', 'responses'],
  ['/v1/models', 'models'],
]);

/**
 * The data plane: plain node:http, because every microsecond here is added to every model call.
 * Routes: POST /v1/chat/completions, POST /v1/completions (legacy), POST /v1/embeddings, POST /v1/rerank, POST /v1/score, POST /v1/responses,
 * GET /v1/models,
 * GET /health/{live,ready}.
 */
export function createGatewayServer(deps: GatewayServerDependencies): http.Server {
  const corsOrigins = deps.corsOrigins ?? new Set<string>();
  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string, startedAt: number): Promise<void> {
    if (applyCors(req, res, corsOrigins)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/health/live') return sendJson(res, 200, { status: 'ok' }, requestId);
    if (req.method === 'GET' && path === '/health/ready') {
      const readiness = await deps.ready();
      const status = readiness.ok ? 'ready' : 'not-ready';
      // The checks describe the infrastructure: a platform admin's token only; anyone gets the status.
      const details = await deps.authentication.isPlatformAdmin(req);
      return sendJson(res, readiness.ok ? 200 : 503, details ? { status, checks: readiness.checks } : { status }, requestId);
    }
    const route = ROUTES.get(path);
    if (!route) throw new GatewayError(404, 'invalid_request_error', 'unknown_url', `Unknown request URL: ${req.method} ${path}`);
    const expectedMethod = route === 'models' ? 'GET' : 'POST';
    if (req.method !== expectedMethod) {
      throw new GatewayError(405, 'invalid_request_error', 'method_not_allowed', `Use ${expectedMethod} for ${path}`, null, { allow: expectedMethod });
    }

    const caller = await deps.authentication.authenticate(req);
    // Traced: the institution on the request's span, and authentication as its event (the time since
    // the span began is how long it took); a key lookup or cached signing keys are not worth a span.
    deps.tracing
      ?.recordedSpan()
      ?.setAttribute('ai_commons.institution', caller.principal.institutionSlug ?? 'none')
      .addEvent('gateway.authenticated');
    const context = RequestContext.current();
    if (context) context.principal = caller.principal;

    if (route === 'models') {
      const data = deps
        .table()
        .endpointsOf(caller.tenantId)
        .filter((endpoint) => endpoint.state === 'active' && (!caller.apiKey?.endpointIds || caller.apiKey.endpointIds.includes(endpoint.id)))
        .map((endpoint) => ({
          id: endpoint.name,
          object: 'model',
          created: Math.floor(endpoint.createdAt.getTime() / 1000),
          owned_by: caller.principal.institutionSlug ?? 'ai-commons',
        }));
      return sendJson(res, 200, { object: 'list', data }, requestId);
    }

    const contentType = req.headers['content-type'] ?? '';
    if (!contentType.includes('application/json')) {
      throw new GatewayError(415, 'invalid_request_error', 'unsupported_media_type', 'Send the request body as application/json');
    }
    const raw = await readBody(req, deps.maxBodyBytes);
    const body = parseJsonObject(raw, deps.maxJsonDepth);
    const dataClassificationHeader = dataClassificationHeaderOf(req);
    if (route === 'chat') {
      const summary = validateChatRequest(body);
      return proxyCall(
        {
          requestId,
          caller,
          operation: 'chat',
          body,
          bodyBytes: raw.length,
          model: summary.model,
          stream: summary.stream,
          includeUsage: summary.includeUsage,
          requestedMaxTokens: summary.maxTokens,
          requestedMaxTokensField: summary.maxTokensField,
          choices: summary.choices,
          startedAt,
          dataClassificationHeader,
        },
        req,
        res,
        deps,
      );
    }
    if (route === 'completions') {
      const summary = validateCompletionsRequest(body);
      return proxyCall(
        {
          requestId,
          caller,
          operation: 'completions',
          body,
          bodyBytes: raw.length,
          model: summary.model,
          stream: summary.stream,
          includeUsage: summary.includeUsage,
          requestedMaxTokens: summary.maxTokens,
          requestedMaxTokensField: 'max_tokens',
          choices: summary.choices,
          startedAt,
          dataClassificationHeader,
        },
        req,
        res,
        deps,
      );
    }
    if (route === 'responses') {
      const summary = validateResponsesRequest(body);
      return proxyCall(
        {
          requestId,
          caller,
          operation: 'responses',
          body,
          bodyBytes: raw.length,
          model: summary.model,
          stream: summary.stream,
          includeUsage: true,
          requestedMaxTokens: summary.maxTokens,
          requestedMaxTokensField: 'max_output_tokens',
          startedAt,
          dataClassificationHeader,
        },
        req,
        res,
        deps,
      );
    }
    if (route === 'rerank' || route === 'score') {
      const { model } = route === 'rerank' ? validateRerankRequest(body) : validateScoreRequest(body);
      return proxyCall(
        { requestId, caller, operation: route, body, bodyBytes: raw.length, model, stream: false, includeUsage: false, startedAt, dataClassificationHeader },
        req,
        res,
        deps,
      );
    }
    const summary = validateEmbeddingsRequest(body);
    return proxyCall(
      {
        requestId,
        caller,
        operation: 'embeddings',
        body,
        bodyBytes: raw.length,
        model: summary.model,
        stream: false,
        includeUsage: false,
        startedAt,
        dataClassificationHeader,
      },
      req,
      res,
      deps,
    );
  }

  const server = http.createServer(
    {
      headersTimeout: deps.headersTimeoutMs,
      requestTimeout: deps.requestTimeoutMs,
      // How often unfinished requests are checked against those limits (Node's default is 30 s).
      connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(deps.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const startedAt = performance.now();
      const requestId = requestIdFrom(req.headers['x-request-id']);
      const state: RequestContextState = { requestId, sourceAddress: req.socket.remoteAddress };
      const serve = () => {
        handle(req, res, requestId, startedAt).catch(async (error: unknown) => {
          const path = (req.url ?? '/').split('?')[0];
          // The one place a refusal is reported (and so audited): an admitted call's failure is not one.
          const refused = async (failure: GatewayError, atAdmission?: GatewayRefusalReport['atAdmission'], admissionRequest?: AdmissionRequest) => {
            deps.metrics?.observeRefusal(failure.status, failure.code, failure.status === 429 ? throttleReason(failure) : undefined);
            try {
              await deps.onRefused?.({ status: failure.status, code: failure.code, method: req.method, path, atAdmission, admissionRequest });
            } catch (reportError) {
              deps.logger.event('error', 'gateway.refusal_unreported', { code: failure.code, error: (reportError as Error).message });
            }
          };
          if (error instanceof AdmissionRefused) {
            const { error: answer, record } = error.refusal;
            if (answer.status >= 500) deps.logger.event('warn', 'gateway.error', { status: answer.status, code: answer.code });
            await refused(answer, record ? { request: error.request, record } : undefined, error.request);
            return sendError(res, answer, requestId);
          }
          if (error instanceof GatewayError) {
            if (error.status >= 500) deps.logger.event('warn', 'gateway.error', { status: error.status, code: error.code });
            if (!(error instanceof AdmittedCallFailure)) await refused(error);
            return sendError(res, error, requestId);
          }
          deps.logger.event('error', 'gateway.unexpected', { error: (error as Error).message, stack: (error as Error).stack });
          const failure = new GatewayError(500, 'api_error', 'internal_error', 'The gateway failed unexpectedly');
          await refused(failure);
          sendError(res, failure, requestId);
        });
      };
      // Tracing off, or this request not sampled: no span, no trace context, nothing allocated for it.
      const tracing = deps.tracing;
      RequestContext.run(state, () => {
        const path = (req.url ?? '/').split('?')[0];
        // Health probes (every few seconds from the orchestrator) are not worth a trace each.
        if (!tracing || path.startsWith('/health/')) return serve();
        traceRequest(tracing, req, res, ROUTES.has(path) ? path : undefined, requestId, (traceId) => {
          if (traceId) state.traceId = traceId;
          serve();
        });
      });
    },
  );
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket as import('node:net').Socket));
  return server;
}
